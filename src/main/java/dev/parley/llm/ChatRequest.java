package dev.parley.llm;

import java.util.List;

/** One chat-completions request: the prompt so far and the tools the model may call. */
public record ChatRequest(List<ChatMessage> messages, List<ToolSpec> tools) {
  public ChatRequest {
    messages = List.copyOf(messages);
    tools = List.copyOf(tools);
  }
}
