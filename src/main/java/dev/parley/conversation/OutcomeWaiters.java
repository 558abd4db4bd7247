package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.MessageOutcome;
import dev.parley.conversation.RecentMessages.Entry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * The asks waiting for a message's outcome ({@code ?wait}), held by one entity in memory and
 * capped: past the cap a new ask is refused at once, so a flood of waiting clients cannot grow the
 * entity without bound. Lost on stop, which the waiters see as their deadline.
 */
final class OutcomeWaiters {
  private final int max;
  private final Map<String, List<ActorRef<StatusReply<MessageOutcome>>>> byMessage =
      new HashMap<>();
  private int count;

  OutcomeWaiters(int max) {
    this.max = max;
  }

  boolean isEmpty() {
    return count == 0;
  }

  boolean add(String messageId, ActorRef<StatusReply<MessageOutcome>> waiter) {
    if (count >= max) {
      return false;
    }
    byMessage.computeIfAbsent(messageId, id -> new ArrayList<>()).add(waiter);
    count++;
    return true;
  }

  void resolve(ConversationState state, List<String> messageIds) {
    for (String id : messageIds) {
      List<ActorRef<StatusReply<MessageOutcome>>> waiting = byMessage.remove(id);
      Entry entry = state.recent().find(id);
      if (waiting == null || entry == null || entry.outcome() == null) {
        continue;
      }
      count -= waiting.size();
      MessageOutcome outcome = outcomeOf(state, entry);
      waiting.forEach(w -> w.tell(StatusReply.success(outcome)));
    }
  }

  /** Tells every waiter it will get no outcome from this incarnation. */
  void abandonAll(String reason) {
    byMessage.values().forEach(list -> list.forEach(w -> w.tell(StatusReply.error(reason))));
    byMessage.clear();
    count = 0;
  }

  static MessageOutcome outcomeOf(ConversationState state, Entry entry) {
    if ("completed".equals(entry.outcome())) {
      Turn turn = state.turn(entry.turnId());
      return new MessageOutcome(entry.messageId(), "completed", turn == null ? null : turn.reply());
    }
    return new MessageOutcome(entry.messageId(), entry.outcome(), entry.notice());
  }
}
