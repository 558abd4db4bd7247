package dev.parley.channel.telegram;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the Bot API last told this node, for the readiness detail: the bot's username once {@code
 * getMe} answered (or why it did not), and the latest {@code getWebhookInfo}: whether a webhook is
 * set, how many updates wait, Telegram's last delivery error and when it happened. Written by
 * {@link TelegramBotStartup}, read by {@code /ready}; thread-safe, holds no token, secret or URL.
 */
public final class TelegramHealth {
  /** The latest getWebhookInfo answer (or the reason there is none). */
  public record WebhookInfo(
      boolean set,
      int pendingUpdates,
      String lastError,
      Instant lastErrorAt,
      Instant checkedAt,
      String checkError) {}

  private record Snapshot(String botUsername, String getMeError, WebhookInfo webhook) {}

  private final AtomicReference<Snapshot> state =
      new AtomicReference<>(new Snapshot(null, null, null));

  void identityLearned(BotIdentity bot) {
    state.updateAndGet(s -> new Snapshot(bot.username(), null, s.webhook()));
  }

  void getMeFailed(String reason) {
    state.updateAndGet(s -> new Snapshot(s.botUsername(), reason, s.webhook()));
  }

  void webhookInfo(WebhookInfo info) {
    state.updateAndGet(s -> new Snapshot(s.botUsername(), s.getMeError(), info));
  }

  /** The latest webhook info, or null before the first answer. */
  public WebhookInfo webhook() {
    return state.get().webhook();
  }

  /** The detail {@code /ready} shows for Telegram. */
  public ObjectNode toJson() {
    Snapshot s = state.get();
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("configured", true);
    json.put("botUsername", s.botUsername());
    json.put("getMeError", s.getMeError());
    WebhookInfo w = s.webhook();
    if (w == null) {
      json.putNull("webhookSet");
      json.putNull("pendingUpdates");
      json.putNull("lastError");
      json.putNull("lastErrorAt");
      json.putNull("checkedAt");
      json.putNull("checkError");
    } else {
      json.put("webhookSet", w.set());
      json.put("pendingUpdates", w.pendingUpdates());
      json.put("lastError", w.lastError());
      json.put("lastErrorAt", w.lastErrorAt() == null ? null : w.lastErrorAt().toString());
      json.put("checkedAt", w.checkedAt() == null ? null : w.checkedAt().toString());
      json.put("checkError", w.checkError());
    }
    return json;
  }

  /** The detail for a node without a bot token. */
  public static ObjectNode notConfigured() {
    return JsonNodeFactory.instance.objectNode().put("configured", false);
  }
}
