package dev.parley.llm;

import dev.parley.text.Utf16;
import java.util.List;

/**
 * One message of a prompt, shaped like OpenAI's: role {@code system}, {@code user}, {@code
 * assistant} (text and/or tool calls) or {@code tool} (the result of the call {@code toolCallId}).
 * Fields a role does not use are null or empty.
 */
public record ChatMessage(
    String role, String content, List<ToolCall> toolCalls, String toolCallId, String name) {
  public ChatMessage {
    content = Utf16.wellFormed(content);
    name = Utf16.wellFormed(name);
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  public static ChatMessage system(String text) {
    return new ChatMessage("system", text, List.of(), null, null);
  }

  public static ChatMessage user(String text, String sender) {
    return new ChatMessage("user", text, List.of(), null, sender);
  }

  public static ChatMessage assistant(String text, List<ToolCall> toolCalls) {
    return new ChatMessage("assistant", text, toolCalls, null, null);
  }

  public static ChatMessage toolResult(String toolCallId, String toolName, String result) {
    return new ChatMessage("tool", result, List.of(), toolCallId, toolName);
  }
}
