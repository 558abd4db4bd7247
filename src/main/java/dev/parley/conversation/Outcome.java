package dev.parley.conversation;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a received message ended, as the dedupe memory records it and {@code ?wait} reports it: a
 * closed set whose {@link #label} is what snapshots and the chat API hold ({@code "completed"}, …).
 * A message still in the inbox has none yet.
 */
enum Outcome {
  /** Its turn completed with a reply. */
  COMPLETED("completed"),
  /** Its turn failed; the user got a notice. */
  FAILED("failed"),
  /** It started no turn (inbox full, too fast, not text, …). */
  REJECTED("rejected"),
  /** A note about the chat, remembered for dedupe only. */
  NOTED("noted");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  @JsonValue
  String label() {
    return label;
  }

  /** The outcome the snapshot's columns recorded as {@code label} ({@link RecentMessagesJson}). */
  static Outcome of(String label) {
    for (Outcome o : values()) {
      if (o.label.equals(label)) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown outcome: " + label);
  }
}
