package dev.parley.tool;

import com.typesafe.config.Config;
import java.util.Set;

/**
 * Which tools may run only after the user said yes: those named in {@code
 * parley.tool.require-confirmation} (names, or patterns with {@code *} for any characters, such as
 * {@code "github__*"}), and those a {@link ToolPolicies policy} sets {@code require-confirmation =
 * true} for. A policy's {@code false} for a more specific key exempts a tool from a list pattern
 * ({@code require-confirmation = ["shop__*"]} with {@code policy.shop__status.require-confirmation
 * = false}). Of the built-in tools only {@code clear_history} needs a yes by default ({@link
 * #NEEDED_BY_DEFAULT}): neither the list nor a policy has to name it, and a policy's {@code
 * require-confirmation = false} for it (or for a pattern matching it) lets it run without asking. A
 * deployment that adds a tool with side effects (sending mail, paying, deleting) lists it.
 */
public record ConfirmationPolicy(Set<String> toolsNeedingConfirmation, ToolPolicies policies) {
  /** The tools that ask unless a policy says otherwise: those whose effect cannot be undone. */
  public static final Set<String> NEEDED_BY_DEFAULT = Set.of(ClearHistoryTool.NAME);

  public ConfirmationPolicy {
    toolsNeedingConfirmation = Set.copyOf(toolsNeedingConfirmation);
  }

  public ConfirmationPolicy(Set<String> toolsNeedingConfirmation) {
    this(toolsNeedingConfirmation, ToolPolicies.none());
  }

  public static ConfirmationPolicy from(Config root) {
    return new ConfirmationPolicy(
        Set.copyOf(root.getStringList("parley.tool.require-confirmation")),
        ToolPolicies.from(root));
  }

  public static ConfirmationPolicy none() {
    return new ConfirmationPolicy(Set.of());
  }

  /**
   * Whether a call of {@code toolName} in a conversation of {@code channel} (the channel part of
   * its key) asks first. A tool not offered there is never asked about: its call answers as an
   * unknown tool, and the question would name a tool the conversation does not have.
   */
  public boolean needsConfirmation(String toolName, String channel) {
    return policies.offeredIn(toolName, channel) && needsConfirmation(toolName);
  }

  public boolean needsConfirmation(String toolName) {
    return policies
        .requireConfirmation(toolName)
        .orElseGet(
            () ->
                NEEDED_BY_DEFAULT.contains(toolName)
                    || toolsNeedingConfirmation.stream()
                        .anyMatch(name -> ToolPolicies.regex(name).matcher(toolName).matches()));
  }
}
