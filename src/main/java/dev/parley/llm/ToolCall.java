package dev.parley.llm;

import dev.parley.text.Utf16;

/** A call the model asks for: its id, the tool's name and the arguments as a JSON text. */
public record ToolCall(String id, String name, String arguments) {
  public ToolCall {
    id = Utf16.wellFormed(id);
    name = Utf16.wellFormed(name);
    arguments = Utf16.wellFormed(arguments);
  }
}
