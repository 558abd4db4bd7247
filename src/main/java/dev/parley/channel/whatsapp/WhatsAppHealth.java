package dev.parley.channel.whatsapp;

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
}
