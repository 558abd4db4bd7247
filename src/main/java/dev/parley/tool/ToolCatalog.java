package dev.parley.tool;

import dev.parley.llm.ToolSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One immutable set of tools by name, with their compiled argument schemas and their specs in
 * order. The registry holds the fixed tools' catalog, built strictly at start-up (a bad tool stops
 * the node), and extends it with the tools that change at run time (an MCP server's current list),
 * leniently: a changing tool that is unusable or takes a taken name is left out with a WARN line,
 * since nobody could fix it by restarting.
 */
final class ToolCatalog {
  private static final Logger log = LoggerFactory.getLogger(ToolCatalog.class);

  // The function-name rule of the OpenAI-compatible APIs: a name outside it makes the model
  // server reject every request, so it is refused at start-up instead.
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  /** The changing tools this catalog was built from, compared by identity; null for none. */
  final List<Tool> changing;

  final Map<String, Tool> tools;
  final Map<String, ArgumentSchema> schemas;
  final List<ToolSpec> specs;

  /** The specs offered per channel, filtered once per catalog (every model request asks). */
  final Map<String, List<ToolSpec>> specsByChannel = new ConcurrentHashMap<>();

  private ToolCatalog(
      List<Tool> changing,
      Map<String, Tool> tools,
      Map<String, ArgumentSchema> schemas,
      List<ToolSpec> specs) {
    this.changing = changing;
    this.tools = Map.copyOf(tools);
    this.schemas = Map.copyOf(schemas);
    this.specs = List.copyOf(specs);
  }

  /**
   * The catalog of {@code tools}.
   *
   * @throws IllegalArgumentException when two tools share a name, a name is not a valid function
   *     name, or a schema is not a JSON object text or no JSON Schema the validator can use
   */
  static ToolCatalog of(List<Tool> tools) {
    Map<String, Tool> byName = new LinkedHashMap<>();
    Map<String, ArgumentSchema> schemas = new LinkedHashMap<>();
    List<ToolSpec> specs = new ArrayList<>();
    for (Tool tool : List.copyOf(tools)) {
      add(tool, byName, schemas, specs);
    }
    return new ToolCatalog(null, byName, schemas, specs);
  }

  /** This catalog plus the usable ones of {@code changing}, after this catalog's own tools. */
  ToolCatalog with(List<Tool> changing) {
    Map<String, Tool> byName = new LinkedHashMap<>(tools);
    Map<String, ArgumentSchema> schemaByName = new LinkedHashMap<>(schemas);
    List<ToolSpec> specList = new ArrayList<>(specs);
    for (Tool tool : changing) {
      try {
        add(tool, byName, schemaByName, specList);
      } catch (IllegalArgumentException e) {
        log.warn("tool {} is left out: {}", tool.name(), e.getMessage());
      }
    }
    return new ToolCatalog(changing, byName, schemaByName, specList);
  }

  private static void add(
      Tool tool,
      Map<String, Tool> byName,
      Map<String, ArgumentSchema> schemas,
      List<ToolSpec> specs) {
    String name = tool.name();
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "tool name \"" + name + "\" must be 1 to 64 of a-z, A-Z, 0-9, _ and -");
    }
    Tool other = byName.get(name);
    if (other != null) {
      throw new IllegalArgumentException(
          "two tools are named \""
              + name
              + "\": "
              + other.getClass().getName()
              + " and "
              + tool.getClass().getName());
    }
    var schema = ToolArguments.schemaObject(tool.parametersSchema());
    if (schema == null) {
      throw new IllegalArgumentException(
          "tool \"" + name + "\" has a parameters schema that is not a JSON object");
    }
    ArgumentSchema compiled;
    try {
      compiled = ArgumentSchema.compile(schema);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("tool \"" + name + "\": " + e.getMessage(), e);
    }
    byName.put(name, tool);
    schemas.put(name, compiled);
    specs.add(new ToolSpec(name, tool.description(), tool.parametersSchema()));
  }
}
