package dev.parley.conversation;

/**
 * Every timer a conversation entity runs, in one place: one key per concern, so starting a timer
 * again replaces the one of the same concern and cancelling one never touches another. All of them
 * end with the incarnation (a restart or a stop cancels an actor's timers).
 */
enum TimerKey {
  /** Passivate after {@code passivate-idle-after} with nothing to do. */
  IDLE,
  /** Bounds one attempt of a turn ({@code turn-timeout}). */
  TURN_WATCHDOG,
  /** Ends a parked turn's question unanswered at its {@code expiresAt}. */
  CONFIRMATION,
  /** The pause before sending the head of the outbox again after a failed send. */
  DELIVERY_RETRY,
  /** Gives up waiting for a send's result ({@code delivery-send-timeout}). */
  DELIVERY_WATCHDOG,
  /** Refreshes the channel's "typing…" while a turn runs. */
  TYPING
}
