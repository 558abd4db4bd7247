package dev.parley.conversation;

import dev.parley.CborSerializable;
import dev.parley.conversation.ConversationEvent.ConfirmationRequested;
import dev.parley.conversation.ConversationEvent.ConfirmationResolved;
import dev.parley.conversation.ConversationEvent.DeliveryStatusChanged;
import dev.parley.conversation.ConversationEvent.HistoryCleared;
import dev.parley.conversation.ConversationEvent.MemoryChanged;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.MessageRejected;
import dev.parley.conversation.ConversationEvent.NoteRecorded;
import dev.parley.conversation.ConversationEvent.ReplyAbandoned;
import dev.parley.conversation.ConversationEvent.ReplyDelivered;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.conversation.ConversationEvent.TurnInterrupted;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import dev.parley.conversation.Turn.Delivery;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Everything a conversation remembers between events, immutable and bounded: the inbox of accepted
 * messages not yet answered (the head is the running turn's), the turn in progress, a window of
 * completed turns (older ones stay in the journal), the recent message ids, the outbox of replies
 * not yet confirmed by their channel, channel statuses that arrived before the message they
 * describe was known, and the conversation's memory (short facts the model asked to keep, bounded
 * by {@code parley.tool.memory}).
 */
public record ConversationState(
    List<UserLine> inbox,
    RunningTurn running,
    List<Turn> turns,
    RecentMessages recent,
    long nextTurnId,
    List<PendingReply> outbox,
    List<EarlyStatus> earlyStatuses,
    PendingConfirmation pendingConfirmation,
    List<String> memory,
    long clearedBefore)
    implements CborSerializable {
  static final int MAX_EARLY_STATUSES = 50;

  /**
   * A turn that has started and not ended. After a restart this tells how often it was tried, and
   * whether the last attempt was handed off on purpose ({@code interrupted}: shutdown or rebalance)
   * rather than cut off by a crash.
   */
  public record RunningTurn(long turnId, List<String> messageIds, int attempt, boolean interrupted)
      implements CborSerializable {
    RunningTurn interruptedNow() {
      return new RunningTurn(turnId, messageIds, attempt, true);
    }

    RunningTurn joinedBy(String messageId) {
      List<String> ids = new ArrayList<>(messageIds);
      ids.add(messageId);
      return new RunningTurn(turnId, ids, attempt, interrupted);
    }
  }

  /** A channel status for a message id we have not recorded yet (the send is in flight). */
  public record EarlyStatus(String channelMessageId, String status) implements CborSerializable {}

  public ConversationState {
    inbox = List.copyOf(inbox);
    turns = List.copyOf(turns);
    outbox = outbox == null ? List.of() : List.copyOf(outbox);
    earlyStatuses = earlyStatuses == null ? List.of() : List.copyOf(earlyStatuses);
    // Null in snapshots taken before conversations had a memory.
    memory = memory == null ? List.of() : List.copyOf(memory);
  }

  /** As built before conversations had a memory: an empty one. */
  public ConversationState(
      List<UserLine> inbox,
      RunningTurn running,
      List<Turn> turns,
      RecentMessages recent,
      long nextTurnId,
      List<PendingReply> outbox,
      List<EarlyStatus> earlyStatuses,
      PendingConfirmation pendingConfirmation) {
    this(
        inbox,
        running,
        turns,
        recent,
        nextTurnId,
        outbox,
        earlyStatuses,
        pendingConfirmation,
        List.of(),
        0);
  }

  public static ConversationState empty() {
    return new ConversationState(
        List.of(),
        null,
        List.of(),
        RecentMessages.empty(),
        1,
        List.of(),
        List.of(),
        null,
        List.of(),
        0);
  }

  /** A turn is parked on a question to the user. */
  public boolean awaitingConfirmation() {
    return pendingConfirmation != null;
  }

  /** Nothing to do: no message waiting, no turn running, no reply to send. */
  public boolean isIdle() {
    return running == null && inbox.isEmpty() && outbox.isEmpty();
  }

  public boolean alreadyAccepted(String messageId) {
    return recent.find(messageId).isPresent();
  }

  public ConversationState accepted(MessageAccepted e, DedupeLimits limits) {
    List<UserLine> nextInbox = new ArrayList<>(inbox);
    nextInbox.add(new UserLine(e.messageId(), e.text(), e.sender(), e.address()));
    return withInbox(nextInbox).withRecent(recent.add(e.messageId(), e.at(), limits));
  }

  public ConversationState rejected(MessageRejected e, DedupeLimits limits, boolean sends) {
    RecentMessages next =
        recent
            .add(e.messageId(), e.at(), limits)
            .resolve(List.of(e.messageId()), Outcome.REJECTED, 0, e.notice());
    ConversationState recorded = withRecent(next);
    return sends && e.notice() != null
        ? recorded.queued(
            new PendingReply(PendingReply.forMessage(e.messageId()), 0, e.notice(), e.address()))
        : recorded;
  }

  /** A note with an id is remembered like a message id, so a redelivery is not noted twice. */
  public ConversationState noted(NoteRecorded e, DedupeLimits limits) {
    if (e.noteId() == null || alreadyAccepted(e.noteId())) {
      return this;
    }
    RecentMessages next =
        recent.add(e.noteId(), e.at(), limits).resolve(List.of(e.noteId()), Outcome.NOTED, 0, null);
    return withRecent(next);
  }

  public ConversationState started(TurnStarted e) {
    return withRunning(new RunningTurn(e.turnId(), List.copyOf(e.messageIds()), e.attempt(), false))
        .withNextTurnIdPast(e.turnId());
  }

  public ConversationState interrupted(TurnInterrupted e) {
    if (running == null || running.turnId() != e.turnId()) {
      return this;
    }
    return withRunning(running.interruptedNow());
  }

  /** The turn parks; its question (with yes/no buttons) joins the outbox. */
  public ConversationState confirmationRequested(ConfirmationRequested e, boolean sends) {
    PendingConfirmation request = e.request();
    ConversationState parked = withPendingConfirmation(request);
    return sends
        ? parked.queued(
            new PendingReply(
                PendingReply.forConfirmation(request.confirmationId()),
                0,
                request.question(),
                request.user().isEmpty() ? null : request.user().get(0).address(),
                List.of(
                    new ReplyButton(request.buttonData(true), "Yes"),
                    new ReplyButton(request.buttonData(false), "No"))))
        : parked;
  }

  /**
   * The parked turn goes on; a text that answered joins it (it is in the inbox already, and the
   * running turn now covers it too).
   */
  public ConversationState confirmationResolved(ConfirmationResolved e) {
    if (pendingConfirmation == null
        || !pendingConfirmation.confirmationId().equals(e.confirmationId())) {
      return this;
    }
    RunningTurn nextRunning =
        running != null && e.answerMessageId() != null
            ? running.joinedBy(e.answerMessageId())
            : running;
    return withRunning(nextRunning).withPendingConfirmation(null);
  }

  public ConversationState completed(TurnCompleted e, int turnsInState, boolean sends) {
    List<String> ids = e.user().stream().map(UserLine::id).toList();
    List<Turn> nextTurns = new ArrayList<>(turns);
    nextTurns.add(Turn.of(e, sends ? Delivery.PENDING : Delivery.DELIVERED));
    while (nextTurns.size() > turnsInState) {
      nextTurns.remove(0);
    }
    ReplyAddress address = e.user().isEmpty() ? null : e.user().get(0).address();
    ConversationState ended =
        turnEnded(ids, e.turnId())
            .withTurns(nextTurns)
            .withRecent(recent.resolve(ids, Outcome.COMPLETED, e.turnId(), null));
    return sends
        ? ended.queued(
            new PendingReply(PendingReply.forTurn(e.turnId()), e.turnId(), e.reply(), address))
        : ended;
  }

  public ConversationState failed(TurnFailed e, boolean sends) {
    ReplyAddress address = null;
    for (UserLine line : inbox) {
      if (e.messageIds().contains(line.id())) {
        address = line.address();
        break;
      }
    }
    ConversationState ended =
        turnEnded(e.messageIds(), e.turnId())
            .withRecent(recent.resolve(e.messageIds(), Outcome.FAILED, e.turnId(), e.notice()));
    return sends
        ? ended.queued(
            new PendingReply(PendingReply.forTurn(e.turnId()), e.turnId(), e.notice(), address))
        : ended;
  }

  /** The memory after a turn changed it: the whole list of facts. */
  public ConversationState memoryChanged(MemoryChanged e) {
    return withMemory(e.facts());
  }

  /**
   * The turns before {@code e.turnId()} leave the window; the ids they answered stay remembered, so
   * a redelivery of one is still a duplicate.
   */
  public ConversationState historyCleared(HistoryCleared e) {
    return withTurns(turns.stream().filter(t -> t.turnId() >= e.turnId()).toList())
        .withClearedBefore(e.turnId());
  }

  public ConversationState delivered(ReplyDelivered e) {
    String status = null;
    List<EarlyStatus> remaining = new ArrayList<>();
    for (EarlyStatus early : earlyStatuses) {
      if (e.channelMessageIds().contains(early.channelMessageId())) {
        status = ChannelStatus.merge(status, early.status());
      } else {
        remaining.add(early);
      }
    }
    String note = status;
    return settle(
            e.replyId(), turn -> turn.withDelivery(Delivery.DELIVERED, e.channelMessageIds(), note))
        .withEarlyStatuses(remaining);
  }

  public ConversationState abandoned(ReplyAbandoned e) {
    return settle(
        e.replyId(), turn -> turn.withDelivery(Delivery.ABANDONED, List.of(), e.reason()));
  }

  /** The state with the status applied; this very state when it changes nothing. */
  public ConversationState statusChanged(DeliveryStatusChanged e) {
    List<Turn> nextTurns = new ArrayList<>(turns.size());
    boolean found = false;
    boolean changed = false;
    for (Turn turn : turns) {
      if (turn.channelMessageIds().contains(e.channelMessageId())) {
        found = true;
        String merged =
            ChannelStatus.merge(
                ChannelStatus.known(String.valueOf(turn.deliveryNote()))
                    ? turn.deliveryNote()
                    : null,
                e.status());
        changed |= !Objects.equals(merged, turn.deliveryNote());
        nextTurns.add(turn.withDelivery(turn.delivery(), turn.channelMessageIds(), merged));
      } else {
        nextTurns.add(turn);
      }
    }
    if (found && !changed) {
      return this; // a repeat, or a late "sent" after "read": statuses only move forward
    }
    if (found) {
      return withTurns(nextTurns);
    }
    if (outbox.isEmpty()) {
      return this; // a status for a message that left the window long ago
    }
    String held = null;
    for (EarlyStatus early : earlyStatuses) {
      if (early.channelMessageId().equals(e.channelMessageId())) {
        held = ChannelStatus.merge(held, early.status());
      }
    }
    if (held != null && held.equals(ChannelStatus.merge(held, e.status()))) {
      return this; // what is held for it already says as much: statuses only move forward
    }
    List<EarlyStatus> next = plus(earlyStatuses, new EarlyStatus(e.channelMessageId(), e.status()));
    while (next.size() > MAX_EARLY_STATUSES) {
      next.remove(0);
    }
    return withEarlyStatuses(next);
  }

  /** The completed turn with this id, if it is still in the window. */
  public Optional<Turn> turn(long turnId) {
    return turns.stream().filter(t -> t.turnId() == turnId).findFirst();
  }

  private ConversationState settle(String replyId, UnaryOperator<Turn> change) {
    long turnId =
        outbox.stream()
            .filter(r -> r.replyId().equals(replyId))
            .mapToLong(PendingReply::turnId)
            .findFirst()
            .orElse(0);
    List<PendingReply> nextOutbox =
        outbox.stream().filter(r -> !r.replyId().equals(replyId)).toList();
    List<Turn> nextTurns =
        turns.stream().map(t -> t.turnId() == turnId && turnId > 0 ? change.apply(t) : t).toList();
    return withOutbox(nextOutbox).withTurns(nextTurns);
  }

  // One change each: every transition above is a chain of these, so a new field needs its own
  // with-method and its place in Copy, and no transition changes.

  ConversationState withInbox(List<UserLine> next) {
    return with(copy -> copy.inbox = next);
  }

  ConversationState withRunning(RunningTurn next) {
    return with(copy -> copy.running = next);
  }

  ConversationState withTurns(List<Turn> next) {
    return with(copy -> copy.turns = next);
  }

  ConversationState withRecent(RecentMessages next) {
    return with(copy -> copy.recent = next);
  }

  /** Turn ids only grow: the next one is past {@code turnId}, and never goes back. */
  ConversationState withNextTurnIdPast(long turnId) {
    return with(copy -> copy.nextTurnId = Math.max(nextTurnId, turnId + 1));
  }

  ConversationState withOutbox(List<PendingReply> next) {
    return with(copy -> copy.outbox = next);
  }

  ConversationState withEarlyStatuses(List<EarlyStatus> next) {
    return with(copy -> copy.earlyStatuses = next);
  }

  ConversationState withPendingConfirmation(PendingConfirmation next) {
    return with(copy -> copy.pendingConfirmation = next);
  }

  ConversationState withMemory(List<String> next) {
    return with(copy -> copy.memory = next);
  }

  /** The cleared point only moves forward. */
  ConversationState withClearedBefore(long turnId) {
    return with(copy -> copy.clearedBefore = Math.max(clearedBefore, turnId));
  }

  private ConversationState with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.build();
  }

  /** A state's fields, to change one of and build the next state from. */
  private static final class Copy {
    private List<UserLine> inbox;
    private RunningTurn running;
    private List<Turn> turns;
    private RecentMessages recent;
    private long nextTurnId;
    private List<PendingReply> outbox;
    private List<EarlyStatus> earlyStatuses;
    private PendingConfirmation pendingConfirmation;
    private List<String> memory;
    private long clearedBefore;

    Copy(ConversationState s) {
      inbox = s.inbox;
      running = s.running;
      turns = s.turns;
      recent = s.recent;
      nextTurnId = s.nextTurnId;
      outbox = s.outbox;
      earlyStatuses = s.earlyStatuses;
      pendingConfirmation = s.pendingConfirmation;
      memory = s.memory;
      clearedBefore = s.clearedBefore;
    }

    ConversationState build() {
      return new ConversationState(
          inbox,
          running,
          turns,
          recent,
          nextTurnId,
          outbox,
          earlyStatuses,
          pendingConfirmation,
          memory,
          clearedBefore);
    }
  }

  /** {@code reply} at the end of the outbox. */
  ConversationState queued(PendingReply reply) {
    return withOutbox(plus(outbox, reply));
  }

  /** A turn is over: its messages leave the inbox, nothing runs or waits for an answer. */
  private ConversationState turnEnded(List<String> messageIds, long turnId) {
    return withInbox(withoutMessages(messageIds))
        .withRunning(null)
        .withPendingConfirmation(null)
        .withNextTurnIdPast(turnId);
  }

  private List<UserLine> withoutMessages(List<String> ids) {
    return inbox.stream().filter(line -> !ids.contains(line.id())).toList();
  }

  private static <T> List<T> plus(List<T> list, T item) {
    List<T> next = new ArrayList<>(list);
    next.add(item);
    return next;
  }
}
