package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.GetConversation;
import java.util.List;

/** Cuts a page of completed turns out of the state's window for {@link ConversationView}. */
final class ConversationPage {
  private ConversationPage() {}

  /** What an erasure in progress shows: the empty conversation it is about to become. */
  static ConversationView erasing(String key) {
    return new ConversationView(key, "idle", 0, List.of(), false, null);
  }

  static ConversationView of(String key, ConversationState state, GetConversation query) {
    List<Turn> older =
        query.beforeTurnId() > 0
            ? state.turns().stream().filter(t -> t.turnId() < query.beforeTurnId()).toList()
            : state.turns();
    int from = Math.max(0, older.size() - Math.max(0, query.limit()));
    List<Turn> page = older.subList(from, older.size());
    // Older turns may sit in the journal only when the window does not start at turn 1, or at
    // the turn that cleared the history (turns can also be missing because they failed: then
    // the journal read finds none).
    long first = Math.max(1, state.clearedBefore());
    long windowOldest = state.turns().isEmpty() ? first : state.turns().get(0).turnId();
    boolean moreBefore =
        from > 0
            || (windowOldest > first
                && (query.beforeTurnId() == 0 || query.beforeTurnId() > first));
    return new ConversationView(
        key,
        state.awaitingConfirmation()
            ? "awaiting-confirmation"
            : state.running() != null ? "running" : "idle",
        state.inbox().size(),
        page,
        moreBefore,
        state.pendingConfirmation(),
        state.memory());
  }
}
