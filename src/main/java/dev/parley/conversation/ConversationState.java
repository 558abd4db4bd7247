package dev.parley.conversation;

import dev.parley.CborSerializable;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.MessageRejected;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a conversation remembers between events, immutable and bounded: the inbox of accepted
 * messages not yet answered (the head is the running turn's), the turn in progress, a window of
 * completed turns (older ones stay in the journal) and the recent message ids.
 */
public record ConversationState(
    List<UserLine> inbox,
    RunningTurn running,
    List<Turn> turns,
    RecentMessages recent,
    long nextTurnId)
    implements CborSerializable {

  /** A turn that has started and not ended. After a crash this tells how often it was tried. */
  public record RunningTurn(long turnId, List<String> messageIds, int attempt)
      implements CborSerializable {}

  public ConversationState {
    inbox = List.copyOf(inbox);
    turns = List.copyOf(turns);
  }

  public static ConversationState empty() {
    return new ConversationState(List.of(), null, List.of(), RecentMessages.empty(), 1);
  }

  public boolean isIdle() {
    return running == null && inbox.isEmpty();
  }

  public boolean alreadyAccepted(String messageId) {
    return recent.find(messageId) != null;
  }

  public ConversationState accepted(MessageAccepted e, DedupeLimits limits) {
    List<UserLine> nextInbox = new ArrayList<>(inbox);
    nextInbox.add(new UserLine(e.messageId(), e.text(), e.sender()));
    return new ConversationState(
        nextInbox, running, turns, recent.add(e.messageId(), e.at(), limits), nextTurnId);
  }

  public ConversationState rejected(MessageRejected e, DedupeLimits limits) {
    RecentMessages next =
        recent
            .add(e.messageId(), e.at(), limits)
            .resolve(List.of(e.messageId()), "rejected", 0, e.notice());
    return new ConversationState(inbox, running, turns, next, nextTurnId);
  }

  public ConversationState started(TurnStarted e) {
    return new ConversationState(
        inbox,
        new RunningTurn(e.turnId(), List.copyOf(e.messageIds()), e.attempt()),
        turns,
        recent,
        Math.max(nextTurnId, e.turnId() + 1));
  }

  public ConversationState completed(TurnCompleted e, int turnsInState) {
    List<String> ids = e.user().stream().map(UserLine::id).toList();
    List<Turn> nextTurns = new ArrayList<>(turns);
    nextTurns.add(new Turn(e.turnId(), e.user(), e.toolCalls(), e.reply(), e.at()));
    while (nextTurns.size() > turnsInState) {
      nextTurns.remove(0);
    }
    return new ConversationState(
        withoutMessages(ids),
        null,
        nextTurns,
        recent.resolve(ids, "completed", e.turnId(), null),
        Math.max(nextTurnId, e.turnId() + 1));
  }

  public ConversationState failed(TurnFailed e) {
    return new ConversationState(
        withoutMessages(e.messageIds()),
        null,
        turns,
        recent.resolve(e.messageIds(), "failed", e.turnId(), e.notice()),
        Math.max(nextTurnId, e.turnId() + 1));
  }

  /** The completed turn with this id, if it is still in the window. */
  public Turn turn(long turnId) {
    for (Turn t : turns) {
      if (t.turnId() == turnId) {
        return t;
      }
    }
    return null;
  }

  private List<UserLine> withoutMessages(List<String> ids) {
    return inbox.stream().filter(line -> !ids.contains(line.id())).toList();
  }
}
