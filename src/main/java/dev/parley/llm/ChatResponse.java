package dev.parley.llm;

import dev.parley.text.Utf16;
import java.util.List;

/**
 * The model's answer: either text (the final reply) or tool calls to run first, or both. {@code
 * finishReason} is as the server gave it ({@code stop}, {@code tool_calls}, ...); {@code model} is
 * the configured name of the model that answered and {@code usage} the tokens the server says it
 * took (each null where the client does not say).
 */
public record ChatResponse(
    String content, List<ToolCall> toolCalls, String finishReason, String model, Usage usage) {
  public ChatResponse {
    content = Utf16.wellFormed(content);
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  public ChatResponse(String content, List<ToolCall> toolCalls, String finishReason) {
    this(content, toolCalls, finishReason, null, null);
  }

  /** The same answer with the tokens the server says it took ({@code usage}, null: unknown). */
  public ChatResponse withUsage(Usage tokens) {
    return new ChatResponse(content, toolCalls, finishReason, model, tokens);
  }

  /** The same answer, said to come from {@code answeredBy}. */
  public ChatResponse from(String answeredBy) {
    return new ChatResponse(content, toolCalls, finishReason, answeredBy, usage);
  }

  public boolean wantsTools() {
    return !toolCalls.isEmpty();
  }
}
