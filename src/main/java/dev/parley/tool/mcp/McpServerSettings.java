package dev.parley.tool.mcp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import dev.parley.async.Backoff;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One MCP server of {@code parley.tool.mcp.servers.<name>}: either a local program Parley starts
 * and talks to over its stdin and stdout ({@code command}, the stdio transport), or a server
 * reached over Streamable HTTP ({@code url}, with optional {@code headers}, whose values are never
 * logged). Exactly one of the two is set. {@code include} and {@code exclude} pick the server's
 * tools by their own name ({@code *} for any characters); a tool is offered when some {@code
 * include} matches (an empty list includes all) and no {@code exclude} does. {@code reconnect}
 * paces the attempts to (re)start or reach a server that is down.
 */
public record McpServerSettings(
    String name,
    List<String> command,
    Map<String, String> env,
    Optional<String> cwd,
    Optional<URI> url,
    Map<String, String> headers,
    List<String> include,
    List<String> exclude,
    Optional<Duration> timeout,
    Backoff reconnect) {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  /** The pace of reconnects when {@code parley.tool.mcp} sets none (as reference.conf does). */
  static final Duration RECONNECT_MIN = Duration.ofSeconds(1);

  static final Duration RECONNECT_MAX = Duration.ofSeconds(60);

  private static final String RECONNECT_MIN_POSITIVE =
      "parley.tool.mcp.reconnect-min must be more than 0s: a server that fails at once would be"
          + " retried in a busy loop";

  public McpServerSettings {
    String where = "parley.tool.mcp.servers." + name;
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          where + ": the name must be 1 to 64 of a-z, A-Z, 0-9, _ and -");
    }
    command = List.copyOf(command);
    if (url.isPresent()) {
      if (!command.isEmpty()) {
        throw new IllegalArgumentException(where + ": set either command (stdio) or url, not both");
      }
      String scheme = url.get().getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException(where + ".url must be an http or https URL");
      }
    } else if (command.isEmpty() || command.get(0).isBlank()) {
      throw new IllegalArgumentException(where + ".command must name the program to start");
    }
    env = Map.copyOf(env);
    headers = Map.copyOf(headers);
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    if (timeout.isPresent() && (timeout.get().isZero() || timeout.get().isNegative())) {
      throw new IllegalArgumentException(where + ".timeout must be positive");
    }
    if (reconnect == null) {
      throw new IllegalArgumentException(where + ": a reconnect backoff is required");
    }
    if (reconnect.min().isZero() || reconnect.min().isNegative()) {
      throw new IllegalArgumentException(RECONNECT_MIN_POSITIVE);
    }
  }

  /** What the logs may say about where the server is: its program, or its URL without a query. */
  public String target() {
    if (url.isEmpty()) {
      return command.get(0);
    }
    URI u = url.get();
    return u.getScheme()
        + "://"
        + u.getHost()
        + (u.getPort() < 0 ? "" : ":" + u.getPort())
        + (u.getPath() == null ? "" : u.getPath());
  }

  /** Whether the server's tool named {@code tool} is offered. */
  public boolean offers(String tool) {
    return (include.isEmpty() || include.stream().anyMatch(p -> matches(p, tool)))
        && exclude.stream().noneMatch(p -> matches(p, tool));
  }

  private static boolean matches(String pattern, String name) {
    StringBuilder regex = new StringBuilder();
    String[] parts = pattern.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      regex.append(i == 0 ? "" : ".*").append(Pattern.quote(parts[i]));
    }
    return Pattern.matches(regex.toString(), name);
  }

  /** Reads every server under {@code parley.tool.mcp.servers} of the whole configuration. */
  public static List<McpServerSettings> allFrom(Config config) {
    String path = "parley.tool.mcp.servers";
    if (!config.hasPath(path)) {
      return List.of();
    }
    Config servers = config.getConfig(path);
    Duration reconnectMin = durationOr(config, "parley.tool.mcp.reconnect-min", RECONNECT_MIN);
    if (reconnectMin.isZero() || reconnectMin.isNegative()) {
      throw new IllegalArgumentException(RECONNECT_MIN_POSITIVE);
    }
    Backoff reconnect =
        Backoff.exponential(
            reconnectMin,
            durationOr(config, "parley.tool.mcp.reconnect-max", RECONNECT_MAX),
            Backoff.UNLIMITED);
    List<McpServerSettings> all = new ArrayList<>();
    for (String name : servers.root().keySet().stream().sorted().toList()) {
      String where = path + "." + name;
      if (servers.root().get(name).valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      Config server = servers.getConfig("\"" + name + "\"");
      if (!server.hasPath("command") && !server.hasPath("url")) {
        throw new IllegalArgumentException(
            where + " needs command = [...] (stdio) or url = \"http://...\" (Streamable HTTP)");
      }
      Optional<URI> url = Optional.empty();
      if (server.hasPath("url")) {
        try {
          url = Optional.of(URI.create(server.getString("url")));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ".url is no URL", e);
        }
      }
      all.add(
          new McpServerSettings(
              name,
              server.hasPath("command") ? server.getStringList("command") : List.of(),
              strings(server, "env"),
              server.hasPath("cwd") ? Optional.of(server.getString("cwd")) : Optional.empty(),
              url,
              strings(server, "headers"),
              server.hasPath("include") ? server.getStringList("include") : List.of(),
              server.hasPath("exclude") ? server.getStringList("exclude") : List.of(),
              server.hasPath("timeout")
                  ? Optional.of(server.getDuration("timeout"))
                  : Optional.empty(),
              reconnect));
    }
    return List.copyOf(all);
  }

  private static Map<String, String> strings(Config server, String path) {
    Map<String, String> values = new LinkedHashMap<>();
    if (server.hasPath(path)) {
      server.getConfig(path).root().forEach((k, v) -> values.put(k, String.valueOf(v.unwrapped())));
    }
    return values;
  }

  private static Duration durationOr(Config config, String path, Duration fallback) {
    return config.hasPath(path) ? config.getDuration(path) : fallback;
  }
}
