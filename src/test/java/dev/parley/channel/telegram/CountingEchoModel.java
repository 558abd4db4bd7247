package dev.parley.channel.telegram;

import dev.parley.llm.ChatMessage;
import dev.parley.llm.ChatRequest;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ModelClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted model for channel tests: answers {@code "echo: " + <the last user text>}, or, when
 * that text starts with {@code "long"}, a Markdown reply of three 3000-character paragraphs (A, B,
 * C) that must go out as three Telegram messages. Records the last user text of every call.
 */
public final class CountingEchoModel implements ModelClient {
  private final List<String> asked = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<ChatResponse> complete(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    String last = "";
    for (ChatMessage message : messages) {
      if ("user".equals(message.role())) {
        last = message.content();
      }
    }
    asked.add(last);
    String reply =
        last.startsWith("long")
            ? String.join("\n\n", paragraph('A'), paragraph('B'), paragraph('C'))
            : "echo: " + last;
    return CompletableFuture.completedFuture(new ChatResponse(reply, List.of(), "stop"));
  }

  public static String paragraph(char c) {
    return String.valueOf(c).repeat(3000);
  }

  /** The last user text of every model call so far. */
  public List<String> asked() {
    return List.copyOf(asked);
  }
}
