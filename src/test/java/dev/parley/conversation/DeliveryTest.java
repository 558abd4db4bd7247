package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.parley.ScriptedModel;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.RejectMessage;
import dev.parley.conversation.ConversationCommand.UpdateDeliveryStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replies through a channel: recorded with the turn, sent in order, marked, re-sent after a
 * restart.
 */
@ExtendWith(LogCapturingExtension.class)
class DeliveryTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Config CONFIG =
      EntityFixture.config(
          "parley.conversation.delivery.retry-min = 50ms\n"
              + "parley.conversation.delivery.retry-max = 200ms\n"
              + "parley.conversation.max-inbox = 2\n"
              + "parley.conversation.group-max-per-minute = 3\n");
  @RegisterExtension static final EntityKit KIT = new EntityKit(CONFIG);
  private static final ActorTestKit testKit = KIT.testKit();

  private static TestConversation spawn(String kind, ScriptedModel model, FakeReplySender sender) {
    String key = kind + ":tg:" + UUID.randomUUID();
    var deps = EntityFixture.deps(CONFIG, model, new ReplySenders(Map.of("tg", sender)));
    return TestConversation.spawn(testKit, key, deps);
  }

  private static ReplyAddress address(String messageId) {
    return new ReplyAddress("chat-1", null, messageId);
  }

  private static void accept(TestConversation s, String id, String text) {
    s.accept(id, text, "ann", address(id));
  }

  private static void awaitTurn(TestConversation s, int index, Turn.Delivery delivery) {
    testKit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              List<Turn> turns = s.view().turns();
              assertTrue(turns.size() > index, "turns: " + turns.size());
              assertEquals(delivery, turns.get(index).delivery());
              return null;
            });
  }

  @Test
  void repliesGoOutInOrderOneAtATimeAndAreMarkedDelivered() {
    FakeReplySender sender = new FakeReplySender();
    TestConversation s = spawn("user", ScriptedModel.echo(), sender);
    accept(s, "m1", "one");
    accept(s, "m2", "two");
    var first = sender.next(WAIT);
    assertEquals("re: one", first.reply().text());
    assertEquals(address("m1"), first.reply().address());
    awaitTurn(s, 1, Turn.Delivery.PENDING); // both turns done, second reply waits for the first
    assertEquals(0, sender.waiting());
    first.deliver("501");
    var second = sender.next(WAIT);
    assertEquals("re: two", second.reply().text());
    second.deliver("502", "503");
    awaitTurn(s, 1, Turn.Delivery.DELIVERED);
    assertEquals(List.of("502", "503"), s.view().turns().get(1).channelMessageIds());
    assertEquals(1, sender.maxInFlight.get());
  }

  @Test
  void aSendThatCannotFinishIsTriedAgainUntilItIsDelivered() {
    FakeReplySender sender = new FakeReplySender();
    TestConversation s = spawn("user", ScriptedModel.echo(), sender);
    accept(s, "m1", "hello");
    var first = sender.next(WAIT);
    first.result().completeExceptionally(new IllegalStateException("503 from channel"));
    sender.next(WAIT).result().completeExceptionally(new IllegalStateException("503 again"));
    var third = sender.next(WAIT);
    assertEquals("re: hello", third.reply().text());
    // The same reply of the same incarnation: the sender may resume after parts already sent.
    assertEquals(first.reply().progressKey(), third.reply().progressKey());
    third.deliver("7");
    awaitTurn(s, 0, Turn.Delivery.DELIVERED);
  }

  @Test
  void anAbandonedReplyIsRecordedWithItsReason() {
    FakeReplySender sender = new FakeReplySender();
    TestConversation s = spawn("user", ScriptedModel.echo(), sender);
    accept(s, "m1", "hello");
    sender
        .next(WAIT)
        .result()
        .complete(new DeliveryResult.Abandoned("bot was blocked by the user"));
    awaitTurn(s, 0, Turn.Delivery.ABANDONED);
    assertEquals("bot was blocked by the user", s.view().turns().get(0).deliveryNote());
  }

  @Test
  void aReplyRecordedButNotConfirmedIsSentOnceAfterARestart() {
    FakeReplySender sender = new FakeReplySender();
    TestConversation s = spawn("user", ScriptedModel.echo(), sender);
    accept(s, "m1", "hello");
    var cut = sender.next(WAIT); // the send is under way when the entity stops
    TestProbe<Object> watcher = testKit.createTestProbe();
    s.ref().tell(ConversationCommand.Stop.INSTANCE);
    watcher.expectTerminated(s.ref(), WAIT);
    TestConversation again = s.restarted();
    var resend = sender.next(WAIT);
    assertEquals("re: hello", resend.reply().text());
    assertEquals(cut.reply().replyId(), resend.reply().replyId());
    // A new incarnation: progress the sender kept for the old one never applies to it (after an
    // erasure the same id names another reply).
    assertNotEquals(cut.reply().incarnation(), resend.reply().incarnation());
    resend.deliver("9");
    awaitTurn(again, 0, Turn.Delivery.DELIVERED);
    assertEquals(1, again.view().turns().size());
    assertEquals(0, sender.waiting());
  }

  @Test
  void noticesOfRejectedMessagesGoThroughTheChannelToo() {
    FakeReplySender sender = new FakeReplySender();
    TestConversation s = spawn("user", ScriptedModel.holding(), sender);
    TestProbe<StatusReply<Accepted>> probe = testKit.createTestProbe();
    s.ref()
        .tell(
            new RejectMessage(
                "s1", "unsupported", "I can only read text.", address("s1"), probe.getRef()));
    assertFalse(probe.receiveMessage(WAIT).getValue().duplicate());
    var notice = sender.next(WAIT);
    assertEquals("I can only read text.", notice.reply().text());
    assertEquals(address("s1"), notice.reply().address());
    s.ref()
        .tell(
            new RejectMessage(
                "s1", "unsupported", "I can only read text.", address("s1"), probe.getRef()));
    assertTrue(probe.receiveMessage(WAIT).getValue().duplicate());
  }

  @Test
  void aGroupPastItsRateGetsTheSlowDownNotice() {
    FakeReplySender sender = new FakeReplySender();
    TestConversation s = spawn("group", ScriptedModel.echo(), sender);
    for (int i = 1; i <= 3; i++) {
      accept(s, "g" + i, "msg " + i);
      sender.next(WAIT).deliver("r" + i);
    }
    accept(s, "g4", "one too many");
    var notice = sender.next(WAIT);
    assertEquals(ConversationSettings.from(CONFIG).slowDownNotice(), notice.reply().text());
  }

  @Test
  void channelStatusesOnlyMoveForwardAndMayArriveBeforeTheSendIsRecorded() {
    FakeReplySender sender = new FakeReplySender();
    TestConversation s = spawn("user", ScriptedModel.echo(), sender);
    accept(s, "m1", "hello");
    var send = sender.next(WAIT);
    status(s, "wamid.1", "read"); // before we know wamid.1 is ours
    status(s, "wamid.1", "delivered");
    send.deliver("wamid.1");
    awaitTurn(s, 0, Turn.Delivery.DELIVERED);
    assertEquals("read", s.view().turns().get(0).deliveryNote());
    status(s, "wamid.1", "sent");
    status(s, "wamid.1", "failed");
    assertEquals("read", s.view().turns().get(0).deliveryNote());
  }

  @Test
  void typingIsShownWhileATurnRuns() {
    FakeReplySender sender = new FakeReplySender();
    ScriptedModel model = ScriptedModel.holding();
    TestConversation s = spawn("user", model, sender);
    accept(s, "m1", "hello");
    var call = model.nextCall(WAIT);
    testKit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertEquals(address("m1"), sender.typing.peek());
              return null;
            });
    call.answer().complete(ScriptedModel.text("done"));
    sender.next(WAIT).deliver("1");
  }

  private static void status(TestConversation s, String id, String status) {
    TestProbe<StatusReply<Done>> probe = testKit.createTestProbe();
    s.ref().tell(new UpdateDeliveryStatus(id, status, probe.getRef()));
    assertTrue(probe.receiveMessage(WAIT).isSuccess());
  }

  @Test
  void aNoteWithAnIdIsRecordedOnceWhateverTheRedeliveries() {
    FakeReplySender sender = new FakeReplySender();
    TestConversation s = spawn("group", ScriptedModel.echo(), sender);
    for (int i = 0; i < 3; i++) {
      TestProbe<StatusReply<Done>> probe = testKit.createTestProbe();
      s.ref()
          .tell(
              new ConversationCommand.RecordNote("tg:77", "membership", "member", probe.getRef()));
      assertTrue(probe.receiveMessage(WAIT).isSuccess());
    }
    assertTrue(s.view().turns().isEmpty());
    var journal =
        org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit.create(testKit.system());
    long notes =
        journal.persistedInStorage(ConversationEntity.persistenceId(s.key()).id()).stream()
            .filter(ConversationEvent.NoteRecorded.class::isInstance)
            .count();
    assertEquals(1, notes);
  }
}
