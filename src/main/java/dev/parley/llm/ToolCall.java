package dev.parley.llm;

/** A call the model asks for: its id, the tool's name and the arguments as a JSON text. */
public record ToolCall(String id, String name, String arguments) {}
