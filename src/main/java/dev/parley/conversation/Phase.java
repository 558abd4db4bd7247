package dev.parley.conversation;

/**
 * What a conversation is doing, as its command handler dispatches on it: one handler block per
 * phase. Only {@link #AWAITING_CONFIRMATION} is persisted (the parked question is in the state);
 * {@link #ERASING} and {@link #RUNNING} are facts of one incarnation's memory (an erasure in
 * flight, a model or tool call in flight), which is why the phase is computed per command rather
 * than kept in the state's type: a recovered entity is idle until its {@code Advance} starts the
 * turn again.
 */
enum Phase {
  /** No call in flight: a message or an {@code Advance} starts the next turn. */
  IDLE,
  /** A turn's model or tool calls are in flight in this incarnation. */
  RUNNING,
  /** A turn is parked on a question to the user (persisted). */
  AWAITING_CONFIRMATION,
  /** The journal rows are being deleted: nothing is persisted, asks are refused (in memory). */
  ERASING;

  /**
   * The phase of a conversation: erasing wins over everything (what it drops no longer counts),
   * then a parked question, then a turn in flight.
   */
  static Phase of(boolean erasing, ConversationState state, boolean turnInFlight) {
    if (erasing) {
      return ERASING;
    }
    if (state.awaitingConfirmation()) {
      return AWAITING_CONFIRMATION;
    }
    return turnInFlight ? RUNNING : IDLE;
  }
}
