package dev.parley.llm;

import dev.parley.text.Utf16;
import java.util.List;

/**
 * The model's answer: either text (the final reply) or tool calls to run first, or both. {@code
 * finishReason} is as the server gave it ({@code stop}, {@code tool_calls}, ...).
 */
public record ChatResponse(String content, List<ToolCall> toolCalls, String finishReason) {
  public ChatResponse {
    content = Utf16.wellFormed(content);
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  public boolean wantsTools() {
    return !toolCalls.isEmpty();
  }
}
