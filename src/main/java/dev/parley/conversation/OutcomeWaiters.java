package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.MessageOutcome;
import dev.parley.conversation.RecentMessages.Entry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * The asks waiting for a message's outcome ({@code ?wait}), held by one entity in memory and
 * capped: past the cap a new ask is refused at once, so a flood of waiting clients cannot grow the
 * entity without bound. Lost on stop, which the waiters see as their deadline.
 */
final class OutcomeWaiters {
  private final int max;

  /** One waiting ask and when its asker gives up (then it only takes room). */
  private record Waiter(ActorRef<StatusReply<MessageOutcome>> ref, Instant until) {}

  private final Map<String, List<Waiter>> byMessage = new HashMap<>();
  private int count;

  OutcomeWaiters(int max) {
    this.max = max;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /**
   * Adds a waiter that waits until {@code until}; refuses past the cap, after forgetting the
   * waiters whose askers have already given up (their deadline passed, they got a 202).
   */
  boolean add(
      String messageId, ActorRef<StatusReply<MessageOutcome>> waiter, Instant until, Clock clock) {
    if (count >= max) {
      forgetExpired(clock.instant());
    }
    if (count >= max) {
      return false;
    }
    byMessage.computeIfAbsent(messageId, id -> new ArrayList<>()).add(new Waiter(waiter, until));
    count++;
    return true;
  }

  private void forgetExpired(Instant now) {
    byMessage.values().forEach(list -> list.removeIf(w -> w.until().isBefore(now)));
    byMessage.values().removeIf(List::isEmpty);
    count = byMessage.values().stream().mapToInt(List::size).sum();
  }

  void resolve(ConversationState state, List<String> messageIds) {
    for (String id : messageIds) {
      Optional<Entry> settled = state.recent().find(id).filter(e -> e.outcome() != null);
      if (settled.isEmpty() || !byMessage.containsKey(id)) {
        continue;
      }
      List<Waiter> waiting = byMessage.remove(id);
      count -= waiting.size();
      MessageOutcome outcome = outcomeOf(state, settled.get());
      waiting.forEach(w -> w.ref().tell(StatusReply.success(outcome)));
    }
  }

  /** Tells every waiter it will get no outcome from this incarnation. */
  void abandonAll(ConversationError reason) {
    byMessage.values().forEach(list -> list.forEach(w -> w.ref().tell(reason.reply())));
    byMessage.clear();
    count = 0;
  }

  static MessageOutcome outcomeOf(ConversationState state, Entry entry) {
    if (entry.outcome() == Outcome.COMPLETED) {
      return new MessageOutcome(
          entry.messageId(),
          Outcome.COMPLETED.label(),
          state.turn(entry.turnId()).map(Turn::reply).orElse(null));
    }
    return new MessageOutcome(entry.messageId(), entry.outcome().label(), entry.notice());
  }
}
