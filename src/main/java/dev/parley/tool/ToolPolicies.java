package dev.parley.tool;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What an operator set for tools by name under {@code parley.tool.policy}: a key is a tool name or
 * a pattern in which {@code *} stands for any characters ({@code "github__*"}, {@code "*"}), and
 * each may set {@code require-confirmation}, {@code timeout}, {@code max-result-chars} and {@code
 * channels} (the channels whose conversations are offered the tool: {@code api}, {@code telegram},
 * {@code whatsapp}; all when no key sets it). Each setting comes from the most specific key that
 * matches the tool and sets it: the exact name first, then the pattern with the most characters
 * besides {@code *}; a tool no key sets it for keeps the default ({@code parley.tool.*}, or the
 * tool's own timeout).
 */
public record ToolPolicies(List<Policy> policies) {

  /** One key's settings; empty where the key leaves a setting to others. */
  public record Policy(
      String pattern,
      Pattern regex,
      Optional<Boolean> requireConfirmation,
      Optional<Duration> timeout,
      OptionalInt maxResultChars,
      Optional<Set<String>> channels) {

    Policy(
        String pattern,
        Optional<Boolean> requireConfirmation,
        Optional<Duration> timeout,
        OptionalInt maxResultChars) {
      this(pattern, requireConfirmation, timeout, maxResultChars, Optional.empty());
    }

    Policy(
        String pattern,
        Optional<Boolean> requireConfirmation,
        Optional<Duration> timeout,
        OptionalInt maxResultChars,
        Optional<Set<String>> channels) {
      this(
          pattern,
          ToolPolicies.regex(pattern),
          requireConfirmation,
          timeout,
          maxResultChars,
          channels);
    }

    boolean matches(String toolName) {
      return regex.matcher(toolName).matches();
    }

    /** Exact names above every pattern; among patterns, more literal characters first. */
    int specificity() {
      return pattern.contains("*") ? pattern.replace("*", "").length() : Integer.MAX_VALUE;
    }
  }

  public ToolPolicies {
    policies =
        policies.stream().sorted(Comparator.comparingInt(Policy::specificity).reversed()).toList();
  }

  public static ToolPolicies none() {
    return new ToolPolicies(List.of());
  }

  /** Reads {@code parley.tool.policy} of the root configuration. */
  public static ToolPolicies from(Config root) {
    if (!root.hasPath("parley.tool.policy")) {
      return none();
    }
    Config all = root.getConfig("parley.tool.policy");
    List<Policy> read = new ArrayList<>();
    for (String pattern : all.root().keySet()) {
      String at = "parley.tool.policy.\"" + pattern + "\"";
      if (!Pattern.matches("[a-zA-Z0-9_*-]{1,64}", pattern)) {
        throw new IllegalArgumentException(
            at + ": a key is a tool name, with * for any characters (a-z, A-Z, 0-9, _, -, *)");
      }
      if (all.root().get(pattern).valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException(
            at + " must be an object (require-confirmation, timeout, max-result-chars, channels)");
      }
      Config c = all.getConfig("\"" + pattern + "\"");
      try {
        Optional<Duration> timeout =
            c.hasPath("timeout") ? Optional.of(c.getDuration("timeout")) : Optional.empty();
        if (timeout.isPresent() && (timeout.get().isZero() || timeout.get().isNegative())) {
          throw new IllegalArgumentException(at + ".timeout must be positive");
        }
        OptionalInt maxChars =
            c.hasPath("max-result-chars")
                ? OptionalInt.of(c.getInt("max-result-chars"))
                : OptionalInt.empty();
        if (maxChars.isPresent() && maxChars.getAsInt() <= 0) {
          throw new IllegalArgumentException(at + ".max-result-chars must be positive");
        }
        read.add(
            new Policy(
                pattern,
                c.hasPath("require-confirmation")
                    ? Optional.of(c.getBoolean("require-confirmation"))
                    : Optional.empty(),
                timeout,
                maxChars,
                c.hasPath("channels")
                    ? Optional.of(channels(c.getStringList("channels"), at))
                    : Optional.empty()));
      } catch (ConfigException e) {
        throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
      }
    }
    return new ToolPolicies(read);
  }

  /** Whether a policy asks for the user's yes before {@code toolName} runs; empty if none says. */
  public Optional<Boolean> requireConfirmation(String toolName) {
    return first(toolName, Policy::requireConfirmation);
  }

  /** The timeout a policy sets for {@code toolName}, if any. */
  public Optional<Duration> timeout(String toolName) {
    return first(toolName, Policy::timeout);
  }

  /** The result budget a policy sets for {@code toolName}, if any. */
  public OptionalInt maxResultChars(String toolName) {
    return policies.stream()
        .filter(p -> p.maxResultChars().isPresent() && p.matches(toolName))
        .mapToInt(p -> p.maxResultChars().getAsInt())
        .findFirst();
  }

  private <T> Optional<T> first(String toolName, Function<Policy, Optional<T>> setting) {
    return policies.stream()
        .filter(p -> setting.apply(p).isPresent() && p.matches(toolName))
        .map(setting)
        .findFirst()
        .flatMap(Function.identity());
  }

  /**
   * Whether {@code toolName} is offered in a conversation of {@code channel} (the channel part of
   * its key: {@code api}, {@code tg} or {@code wa}); offered everywhere unless a policy names
   * channels.
   */
  public boolean offeredIn(String toolName, String channel) {
    return first(toolName, Policy::channels).map(set -> set.contains(channel)).orElse(true);
  }

  /** The channel names an operator writes, as the channel part of a conversation key. */
  private static final Map<String, String> CHANNELS =
      Map.of("api", "api", "telegram", "tg", "tg", "tg", "whatsapp", "wa", "wa", "wa");

  private static Set<String> channels(List<String> names, String at) {
    Set<String> codes = new HashSet<>();
    for (String name : names) {
      String code = CHANNELS.get(name.toLowerCase(Locale.ROOT));
      if (code == null) {
        throw new IllegalArgumentException(
            at + ".channels: \"" + name + "\" is not a channel (api, telegram, whatsapp)");
      }
      codes.add(code);
    }
    return Set.copyOf(codes);
  }

  /** {@code *} for any characters; every other character stands for itself. */
  static Pattern regex(String pattern) {
    return Pattern.compile(
        Arrays.stream(pattern.split("\\*", -1))
            .map(Pattern::quote)
            .collect(Collectors.joining(".*")));
  }
}
