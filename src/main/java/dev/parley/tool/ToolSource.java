package dev.parley.tool;

/**
 * Where a tool comes from, as the {@code source} label of the tool metrics. The set is closed, so
 * the label has a fixed vocabulary whatever tools are configured: {@code builtin} (shipped with
 * Parley), {@code http} (an HTTP tool from {@code parley.tool.http}), {@code plugin} (loaded from a
 * plug-in jar), {@code mcp} (offered by an MCP server). A call to a tool the registry does not have
 * is labelled {@code unknown} instead (see {@link ToolCallListener}).
 */
public enum ToolSource {
  BUILTIN("builtin"),
  HTTP("http"),
  PLUGIN("plugin"),
  MCP("mcp");

  private final String label;

  ToolSource(String label) {
    this.label = label;
  }

  /** The value of the {@code source} label. */
  public String label() {
    return label;
  }
}
