package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.conversation.ConversationEvent.ConfirmationRequested;
import dev.parley.conversation.ConversationEvent.ConfirmationResolved;
import dev.parley.conversation.ConversationEvent.DeliveryStatusChanged;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.MessageRejected;
import dev.parley.conversation.ConversationEvent.NoteRecorded;
import dev.parley.conversation.ConversationEvent.ReplyAbandoned;
import dev.parley.conversation.ConversationEvent.ReplyDelivered;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.conversation.ConversationEvent.TurnInterrupted;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state's transitions on their own: events in, the next state out, no actor. */
class ConversationStateTest {
  private static final Instant AT = Instant.parse("2026-11-27T07:00:00Z");
  private static final DedupeLimits LIMITS = new DedupeLimits(100, Duration.ofDays(1), 1000);
  private static final ReplyAddress ADDRESS = new ReplyAddress("42", null, "7", "u1");

  private static ConversationState accepted(ConversationState state, String id) {
    return state.accepted(new MessageAccepted(id, "text " + id, "ann", AT, ADDRESS), LIMITS);
  }

  private static ConversationState running(String... ids) {
    ConversationState state = ConversationState.empty();
    for (String id : ids) {
      state = accepted(state, id);
    }
    return state.started(new TurnStarted(1, List.of(ids), 1, AT));
  }

  private static PendingConfirmation confirmation(String id) {
    return new PendingConfirmation(
        id,
        1,
        1,
        List.of(new UserLine("m1", "text m1", "ann", ADDRESS)),
        List.of(),
        1,
        "",
        List.of(new PendingConfirmation.RequestedCall("c1", "delete_all", "{}")),
        "Run delete_all?",
        "u1",
        AT.plusSeconds(60));
  }

  private static ConversationState completed(ConversationState state, long turnId, boolean sends) {
    return state.completed(
        new TurnCompleted(
            turnId, List.of(new UserLine("m1", "text m1", "ann", ADDRESS)), List.of(), "hi", AT),
        10,
        sends);
  }

  @Test
  void emptyStateIsIdleAndStartsAtTurnOne() {
    ConversationState empty = ConversationState.empty();
    assertTrue(empty.isIdle());
    assertFalse(empty.awaitingConfirmation());
    assertEquals(1, empty.nextTurnId());
    assertTrue(empty.turn(1).isEmpty());
  }

  @Test
  void acceptedMessageJoinsTheInboxAndIsRemembered() {
    ConversationState state = accepted(ConversationState.empty(), "m1");
    assertEquals(List.of("m1"), state.inbox().stream().map(UserLine::id).toList());
    assertEquals(ADDRESS, state.inbox().get(0).address());
    assertTrue(state.alreadyAccepted("m1"));
    assertFalse(state.isIdle());
  }

  @Test
  void rejectedMessageQueuesItsNoticeOnlyWhenTheChannelSends() {
    MessageRejected rejected = new MessageRejected("m1", "inbox-full", "Too many.", AT, ADDRESS);
    ConversationState sending = ConversationState.empty().rejected(rejected, LIMITS, true);
    assertEquals(List.of("msg-m1"), sending.outbox().stream().map(PendingReply::replyId).toList());
    assertEquals(Outcome.REJECTED, sending.recent().find("m1").orElseThrow().outcome());
    assertTrue(sending.inbox().isEmpty());

    ConversationState silent = ConversationState.empty().rejected(rejected, LIMITS, false);
    assertTrue(silent.outbox().isEmpty());
    assertEquals("Too many.", silent.recent().find("m1").orElseThrow().notice());
  }

  @Test
  void noteIsRememberedOnceByItsId() {
    NoteRecorded note = new NoteRecorded("bot-added", "by ann", AT, "n1");
    ConversationState once = ConversationState.empty().noted(note, LIMITS);
    assertEquals(Outcome.NOTED, once.recent().find("n1").orElseThrow().outcome());
    assertSame(once, once.noted(note, LIMITS));
    ConversationState anonymous = ConversationState.empty();
    assertSame(anonymous, anonymous.noted(new NoteRecorded("k", "d", AT), LIMITS));
  }

  @Test
  void startedTurnRunsAndMovesTheNextTurnIdPastIt() {
    ConversationState state =
        accepted(ConversationState.empty(), "m1").started(new TurnStarted(5, List.of("m1"), 2, AT));
    assertEquals(new ConversationState.RunningTurn(5, List.of("m1"), 2, false), state.running());
    assertEquals(6, state.nextTurnId());
    // A redo of an older turn never moves the counter back.
    assertEquals(6, state.started(new TurnStarted(3, List.of("m1"), 1, AT)).nextTurnId());
  }

  @Test
  void interruptionMarksOnlyTheRunningTurn() {
    ConversationState state = running("m1");
    assertTrue(state.interrupted(new TurnInterrupted(1, 1, AT)).running().interrupted());
    assertSame(state, state.interrupted(new TurnInterrupted(2, 1, AT)));
    ConversationState idle = ConversationState.empty();
    assertSame(idle, idle.interrupted(new TurnInterrupted(1, 1, AT)));
  }

  @Test
  void completedTurnLeavesTheInboxAndQueuesItsReply() {
    ConversationState state = accepted(running("m1"), "m2");
    ConversationState done = completed(state, 1, true);
    assertNull(done.running());
    assertEquals(List.of("m2"), done.inbox().stream().map(UserLine::id).toList());
    assertEquals(Turn.Delivery.PENDING, done.turns().get(0).delivery());
    assertEquals(List.of("turn-1"), done.outbox().stream().map(PendingReply::replyId).toList());
    assertEquals(ADDRESS, done.outbox().get(0).address());
    assertEquals(Outcome.COMPLETED, done.recent().find("m1").orElseThrow().outcome());
    assertEquals("hi", done.turn(1).orElseThrow().reply());
    assertEquals(2, done.nextTurnId());
  }

  @Test
  void completedTurnWithoutSendsIsDeliveredAtOnce() {
    ConversationState done = completed(running("m1"), 1, false);
    assertTrue(done.outbox().isEmpty());
    assertEquals(Turn.Delivery.DELIVERED, done.turns().get(0).delivery());
    assertTrue(done.isIdle());
  }

  @Test
  void historyKeepsOnlyTheWindowOfTurns() {
    ConversationState state = ConversationState.empty();
    for (long turnId = 1; turnId <= 4; turnId++) {
      state =
          state.completed(
              new TurnCompleted(turnId, List.of(), List.of(), "r" + turnId, AT), 2, false);
    }
    assertEquals(List.of(3L, 4L), state.turns().stream().map(Turn::turnId).toList());
    assertTrue(state.turn(1).isEmpty());
  }

  @Test
  void failedTurnQueuesItsNoticeToTheMessagesAddress() {
    ConversationState failed =
        running("m1")
            .failed(new TurnFailed(1, List.of("m1"), "timeout", "slow", "Sorry.", AT), true);
    assertTrue(failed.inbox().isEmpty());
    assertNull(failed.running());
    assertTrue(failed.turns().isEmpty());
    assertEquals(Outcome.FAILED, failed.recent().find("m1").orElseThrow().outcome());
    assertEquals("Sorry.", failed.outbox().get(0).text());
    assertEquals(ADDRESS, failed.outbox().get(0).address());
  }

  @Test
  void confirmationParksTheTurnWithAQuestionAndButtons() {
    PendingConfirmation asked = confirmation("k1");
    ConversationState parked =
        running("m1").confirmationRequested(new ConfirmationRequested(asked, AT), true);
    assertTrue(parked.awaitingConfirmation());
    PendingReply question = parked.outbox().get(0);
    assertEquals("confirm-k1", question.replyId());
    assertEquals(
        List.of(asked.buttonData(true), asked.buttonData(false)),
        question.buttons().stream().map(ReplyButton::data).toList());
    assertTrue(
        running("m1")
            .confirmationRequested(new ConfirmationRequested(asked, AT), false)
            .outbox()
            .isEmpty());
  }

  @Test
  void confirmationAnsweredByTextTakesTheAnswerIntoTheTurn() {
    ConversationState parked =
        accepted(running("m1"), "m2")
            .confirmationRequested(new ConfirmationRequested(confirmation("k1"), AT), false);
    ConversationState resumed =
        parked.confirmationResolved(new ConfirmationResolved("k1", true, "answered", "m2", AT));
    assertFalse(resumed.awaitingConfirmation());
    assertEquals(List.of("m1", "m2"), resumed.running().messageIds());
    // Another question's answer changes nothing.
    assertSame(
        parked,
        parked.confirmationResolved(new ConfirmationResolved("other", true, "button", null, AT)));
  }

  @Test
  void deliveredReplyLeavesTheOutboxAndTakesTheStatusHeldForIt() {
    ConversationState done = completed(running("m1"), 1, true);
    // The "read" arrives while the send is in flight: it is held until the message id is known.
    ConversationState early = done.statusChanged(new DeliveryStatusChanged("c1", "read", AT));
    assertEquals(1, early.earlyStatuses().size());
    ConversationState delivered = early.delivered(new ReplyDelivered("turn-1", List.of("c1"), AT));
    assertTrue(delivered.outbox().isEmpty());
    assertTrue(delivered.earlyStatuses().isEmpty());
    Turn turn = delivered.turns().get(0);
    assertEquals(Turn.Delivery.DELIVERED, turn.delivery());
    assertEquals(List.of("c1"), turn.channelMessageIds());
    assertEquals("read", turn.deliveryNote());
  }

  @Test
  void statusesOnlyMoveForward() {
    ConversationState delivered =
        completed(running("m1"), 1, true)
            .delivered(new ReplyDelivered("turn-1", List.of("c1"), AT))
            .statusChanged(new DeliveryStatusChanged("c1", "read", AT));
    assertEquals("read", delivered.turns().get(0).deliveryNote());
    assertSame(delivered, delivered.statusChanged(new DeliveryStatusChanged("c1", "sent", AT)));
    assertSame(delivered, delivered.statusChanged(new DeliveryStatusChanged("c1", "failed", AT)));
    // Nothing waits to be sent: a status for an unknown message is dropped.
    assertSame(delivered, delivered.statusChanged(new DeliveryStatusChanged("c9", "read", AT)));
  }

  @Test
  void earlyStatusesAreBounded() {
    ConversationState state = completed(running("m1"), 1, true);
    for (int i = 0; i < ConversationState.MAX_EARLY_STATUSES + 5; i++) {
      state = state.statusChanged(new DeliveryStatusChanged("c" + i, "sent", AT));
    }
    assertEquals(ConversationState.MAX_EARLY_STATUSES, state.earlyStatuses().size());
    assertEquals("c5", state.earlyStatuses().get(0).channelMessageId());
  }

  @Test
  void abandonedReplyIsSettledWithItsReason() {
    ConversationState abandoned =
        completed(running("m1"), 1, true).abandoned(new ReplyAbandoned("turn-1", "blocked", AT));
    assertTrue(abandoned.outbox().isEmpty());
    assertEquals(Turn.Delivery.ABANDONED, abandoned.turns().get(0).delivery());
    assertEquals("blocked", abandoned.turns().get(0).deliveryNote());
  }

  @Test
  void withMethodsChangeOneFieldEach() {
    ConversationState base = running("m1");
    PendingConfirmation asked = confirmation("k1");
    ConversationState parked = base.withPendingConfirmation(asked);
    assertEquals(asked, parked.pendingConfirmation());
    assertEquals(base.inbox(), parked.inbox());
    assertEquals(base.running(), parked.running());
    assertEquals(base.recent(), parked.recent());
    assertEquals(base.nextTurnId(), parked.nextTurnId());
    assertEquals(base, parked.withPendingConfirmation(null));
    assertEquals(base, base.withRunning(null).withRunning(base.running()));
    assertEquals(base.nextTurnId(), base.withNextTurnIdPast(0).nextTurnId());
    assertEquals(10, base.withNextTurnIdPast(9).nextTurnId());
  }
}
