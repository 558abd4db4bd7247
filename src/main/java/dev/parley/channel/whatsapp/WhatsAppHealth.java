package dev.parley.channel.whatsapp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What an operator must know about the WhatsApp channel: whether the Graph API currently refuses
 * our access token (error 190), and the last such alert. Set by the sender, cleared by the next
 * successful send; read by the readiness detail. Thread-safe; holds no secret.
 */
public final class WhatsAppHealth {
  /** An alert: what is wrong, in words an operator acts on, and since when. */
  public record Alert(String code, String message, Instant at) {}

  private record Snapshot(boolean healthy, Alert lastAlert) {}

  private final AtomicReference<Snapshot> state = new AtomicReference<>(new Snapshot(true, null));

  void alert(String code, String message) {
    state.set(new Snapshot(false, new Alert(code, message, Instant.now())));
  }

  void sendSucceeded() {
    state.updateAndGet(s -> s.healthy() ? s : new Snapshot(true, s.lastAlert()));
  }

  /** False while the last Graph API answer was an alert (bad token) and no send succeeded since. */
  public boolean healthy() {
    return state.get().healthy();
  }

  /** The most recent alert, even after recovery (for the readiness detail). */
  public Optional<Alert> lastAlert() {
    return Optional.ofNullable(state.get().lastAlert());
  }

  /**
   * The detail {@code /ready} shows: {@code tokenOk} false while the Graph API refuses the token
   * (190) and no send has succeeded since; the last alert stays visible after recovery.
   */
  public ObjectNode toJson() {
    Snapshot s = state.get();
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("configured", true);
    json.put("tokenOk", s.healthy());
    json.put("lastAlert", s.lastAlert() == null ? null : s.lastAlert().message());
    json.put("lastAlertCode", s.lastAlert() == null ? null : s.lastAlert().code());
    json.put("lastAlertAt", s.lastAlert() == null ? null : s.lastAlert().at().toString());
    return json;
  }

  /** The detail for a node without WhatsApp credentials. */
  public static ObjectNode notConfigured() {
    return JsonNodeFactory.instance.objectNode().put("configured", false);
  }
}
