package dev.parley.llm;

/**
 * A tool as the model sees it: name, description and the JSON Schema of its arguments (as a JSON
 * text, sent verbatim as {@code function.parameters}).
 */
public record ToolSpec(String name, String description, String parametersSchema) {}
