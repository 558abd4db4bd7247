package dev.parley.tool;

import com.typesafe.config.Config;
import dev.parley.tool.http.HttpToolSettings;
import dev.parley.tool.mcp.McpServerSettings;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the tool package, read once at start-up from {@code parley.tool}: the defaults, the
 * per-tool {@link ToolPolicies} that override them, the configured HTTP tools and MCP servers, and
 * the limits of a conversation's memory ({@link MemoryLimits}). Both defaults are positive: a zero
 * timeout would fail every call and a zero budget would cut every result.
 */
public record ToolSettings(
    Duration callTimeout,
    int maxResultChars,
    ToolPolicies policies,
    List<HttpToolSettings> httpTools,
    List<McpServerSettings> mcpServers,
    MemoryLimits memory) {

  public ToolSettings(
      Duration callTimeout,
      int maxResultChars,
      ToolPolicies policies,
      List<HttpToolSettings> httpTools,
      List<McpServerSettings> mcpServers) {
    this(callTimeout, maxResultChars, policies, httpTools, mcpServers, MemoryLimits.DEFAULT);
  }

  public ToolSettings(Duration callTimeout, int maxResultChars) {
    this(callTimeout, maxResultChars, ToolPolicies.none(), List.of());
  }

  public ToolSettings(
      Duration callTimeout,
      int maxResultChars,
      ToolPolicies policies,
      List<HttpToolSettings> httpTools) {
    this(callTimeout, maxResultChars, policies, httpTools, List.of());
  }

  public ToolSettings {
    httpTools = List.copyOf(httpTools);
    mcpServers = List.copyOf(mcpServers);
    memory = memory == null ? MemoryLimits.DEFAULT : memory;
    if (callTimeout == null || callTimeout.isZero() || callTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "parley.tool.call-timeout must be positive, was " + callTimeout);
    }
    if (maxResultChars <= 0) {
      throw new IllegalArgumentException(
          "parley.tool.max-result-chars must be positive, was " + maxResultChars);
    }
  }

  /** Reads {@code parley.tool.*} from the application's whole (root) configuration. */
  public static ToolSettings from(Config config) {
    Config tool = config.getConfig("parley.tool");
    return new ToolSettings(
        tool.getDuration("call-timeout"),
        tool.getInt("max-result-chars"),
        ToolPolicies.from(config),
        checked(HttpToolSettings.allFrom(config)),
        McpServerSettings.allFrom(config),
        MemoryLimits.from(config));
  }

  /** HTTP tools whose schema the validator can use, checked now rather than at the first call. */
  private static List<HttpToolSettings> checked(List<HttpToolSettings> tools) {
    for (HttpToolSettings tool : tools) {
      try {
        ArgumentSchema.compile(ToolArguments.schemaObject(tool.parametersSchema()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "parley.tool.http." + tool.name() + ".parameters: " + e.getMessage(), e);
      }
    }
    return tools;
  }
}
