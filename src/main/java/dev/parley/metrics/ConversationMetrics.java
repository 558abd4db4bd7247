package dev.parley.metrics;

import java.time.Duration;

/**
 * What a conversation entity reports: receipts, turns, its inbox and deliveries. The entity calls
 * these from its side effects ({@code thenRun}, never from event handlers, which run again on
 * recovery). Every argument that becomes a label comes from a small fixed vocabulary. {@link #NONE}
 * is for tests and tools that need no metrics.
 */
public interface ConversationMetrics {
  /** How {@code AcceptMessage} ended; the label value of {@code parley_receipts_total}. */
  enum Receipt {
    ACCEPTED("accepted"),
    DUPLICATE("duplicate"),
    /** Received but refused with a notice (inbox or outbox full, unreadable content). */
    REJECTED("rejected");

    final String label;

    Receipt(String label) {
      this.label = label;
    }
  }

  void receipt(Receipt outcome);

  /** A turn persisted as {@code TurnCompleted}, {@code took} from its first model call. */
  void turnCompleted(Duration took);

  /**
   * A turn persisted as {@code TurnFailed}; {@code code} is its machine code ({@code
   * model-timeout}, {@code watchdog}, {@code crash-loop}, ...).
   */
  void turnFailed(String code, Duration took);

  /**
   * Messages waiting in this node's inboxes went up or down by {@code delta}: +1 for a receipt, -n
   * when a turn takes n messages, +size after recovery, -size when the entity stops or restarts
   * after a journal failure (and recovers, adding it again).
   */
  void inboxDepthChanged(int delta);

  /**
   * A reply's send ended: {@code delivered}, {@code failed} (retries left) or {@code abandoned}.
   */
  void delivery(String channel, String outcome);

  /** A reply's send is tried again after a failure or a 429. */
  void deliveryRetry(String channel);

  ConversationMetrics NONE =
      new ConversationMetrics() {
        @Override
        public void receipt(Receipt outcome) {}

        @Override
        public void turnCompleted(Duration took) {}

        @Override
        public void turnFailed(String code, Duration took) {}

        @Override
        public void inboxDepthChanged(int delta) {}

        @Override
        public void delivery(String channel, String outcome) {}

        @Override
        public void deliveryRetry(String channel) {}
      };
}
