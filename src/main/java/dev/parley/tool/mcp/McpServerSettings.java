package dev.parley.tool.mcp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One MCP server of {@code parley.tool.mcp.servers.<name>}: a local program Parley starts and talks
 * to over its stdin and stdout (the stdio transport). {@code include} and {@code exclude} pick the
 * server's tools by their own name ({@code *} for any characters); a tool is offered when some
 * {@code include} matches (an empty list includes all) and no {@code exclude} does.
 */
public record McpServerSettings(
    String name,
    List<String> command,
    Map<String, String> env,
    Optional<String> cwd,
    List<String> include,
    List<String> exclude,
    Optional<Duration> timeout) {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  public McpServerSettings {
    String where = "parley.tool.mcp.servers." + name;
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          where + ": the name must be 1 to 64 of a-z, A-Z, 0-9, _ and -");
    }
    command = List.copyOf(command);
    if (command.isEmpty() || command.get(0).isBlank()) {
      throw new IllegalArgumentException(where + ".command must name the program to start");
    }
    env = Map.copyOf(env);
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    if (timeout.isPresent() && (timeout.get().isZero() || timeout.get().isNegative())) {
      throw new IllegalArgumentException(where + ".timeout must be positive");
    }
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
    List<McpServerSettings> all = new ArrayList<>();
    for (String name : servers.root().keySet().stream().sorted().toList()) {
      String where = path + "." + name;
      if (servers.root().get(name).valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      Config server = servers.getConfig("\"" + name + "\"");
      if (server.hasPath("url")) {
        throw new IllegalArgumentException(
            where
                + ".url: MCP servers over Streamable HTTP are not supported yet; only stdio"
                + " servers (command = [...]) are");
      }
      if (!server.hasPath("command")) {
        throw new IllegalArgumentException(where + ".command is missing");
      }
      Map<String, String> env = new LinkedHashMap<>();
      if (server.hasPath("env")) {
        server.getConfig("env").root().forEach((k, v) -> env.put(k, String.valueOf(v.unwrapped())));
      }
      all.add(
          new McpServerSettings(
              name,
              server.getStringList("command"),
              env,
              server.hasPath("cwd") ? Optional.of(server.getString("cwd")) : Optional.empty(),
              server.hasPath("include") ? server.getStringList("include") : List.of(),
              server.hasPath("exclude") ? server.getStringList("exclude") : List.of(),
              server.hasPath("timeout")
                  ? Optional.of(server.getDuration("timeout"))
                  : Optional.empty()));
    }
    return List.copyOf(all);
  }
}
