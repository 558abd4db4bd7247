package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.parley.ScriptedModel;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.GetConversation;
import dev.parley.conversation.ConversationCommand.MessageOutcome;
import dev.parley.conversation.ConversationCommand.RejectMessage;
import dev.parley.conversation.ConversationCommand.UpdateDeliveryStatus;
import dev.parley.conversation.ConversationEvent.DeliveryStatusChanged;
import dev.parley.conversation.ConversationEvent.MessageRejected;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the front door writes: nothing for a channel status that changes nothing, one notice a
 * minute for a flood of unreadable messages, and no new turn while replies cannot get out.
 */
@ExtendWith(LogCapturingExtension.class)
class MessageIntakeTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Config CONFIG =
      EntityFixture.config(
          "parley.conversation.max-inbox = 10\n" + "parley.conversation.max-outbox = 2\n");
  private static final String ONLY_TEXT = "I can only read text.";
  @RegisterExtension static final EntityKit KIT = new EntityKit(CONFIG);
  private static final ActorTestKit testKit = KIT.testKit();
  private static final PersistenceTestKit journal = KIT.journal();

  private static TestConversation spawn(ScriptedModel model, FakeReplySender sender) {
    String key = "user:tg:" + UUID.randomUUID();
    var deps = EntityFixture.deps(CONFIG, model, new ReplySenders(Map.of("tg", sender)));
    return TestConversation.spawn(testKit, key, deps);
  }

  private static ReplyAddress address(String messageId) {
    return new ReplyAddress("chat-1", null, messageId);
  }

  private static void accept(TestConversation s, String id, String text) {
    s.accept(id, text, "ann", address(id));
  }

  private static boolean reject(TestConversation s, String id) {
    TestProbe<StatusReply<Accepted>> probe = testKit.createTestProbe();
    s.ref().tell(new RejectMessage(id, "unsupported", ONLY_TEXT, address(id), probe.getRef()));
    return probe.receiveMessage(WAIT).getValue().duplicate();
  }

  private static void status(TestConversation s, String id, String status) {
    TestProbe<StatusReply<Done>> probe = testKit.createTestProbe();
    s.ref().tell(new UpdateDeliveryStatus(id, status, probe.getRef()));
    assertTrue(probe.receiveMessage(WAIT).isSuccess());
  }

  private static List<Turn> awaitTurns(TestConversation s, int count, Turn.Delivery delivery) {
    TestProbe<ConversationView> probe = testKit.createTestProbe();
    return probe.awaitAssert(
        WAIT,
        () -> {
          s.ref().tell(new GetConversation(50, 0, probe.getRef()));
          List<Turn> turns = probe.receiveMessage(WAIT).turns();
          assertEquals(count, turns.size(), turns.toString());
          turns.forEach(t -> assertEquals(delivery, t.delivery()));
          return turns;
        });
  }

  private static <T> List<T> events(TestConversation s, Class<T> type) {
    List<T> found = new ArrayList<>();
    s.events(journal).stream().filter(type::isInstance).map(type::cast).forEach(found::add);
    return found;
  }

  @Test
  void aStatusThatChangesNothingIsAnsweredWithoutAWrite() {
    FakeReplySender sender = new FakeReplySender();
    TestConversation s = spawn(ScriptedModel.echo(), sender);
    accept(s, "m1", "hello");
    var send = sender.next(WAIT);
    status(s, "wamid.1", "read"); // before wamid.1 is known: held, so written
    status(s, "wamid.1", "read"); // the same again
    status(s, "wamid.1", "delivered"); // behind "read"
    send.deliver("wamid.1");
    assertEquals("read", awaitTurns(s, 1, Turn.Delivery.DELIVERED).get(0).deliveryNote());
    status(s, "wamid.1", "read"); // a redelivered callback
    status(s, "wamid.1", "sent"); // late
    status(s, "wamid.gone", "delivered"); // not a message in the window
    assertEquals(1, events(s, DeliveryStatusChanged.class).size(), s.events(journal).toString());
    assertEquals("read", awaitTurns(s, 1, Turn.Delivery.DELIVERED).get(0).deliveryNote());
  }

  @Test
  void aFloodOfStickersIsEachRecordedButGetsOneNoticeAMinute() {
    FakeReplySender sender = new FakeReplySender();
    TestConversation s = spawn(ScriptedModel.holding(), sender);
    assertFalse(reject(s, "s1"));
    assertFalse(reject(s, "s2"));
    assertFalse(reject(s, "s3"));
    assertTrue(reject(s, "s2"));
    List<String> notices = new ArrayList<>();
    events(s, MessageRejected.class).forEach(e -> notices.add(e.notice()));
    assertEquals(Arrays.asList(ONLY_TEXT, null, null), notices);
    assertEquals(ONLY_TEXT, sender.next(WAIT).reply().text());
    assertEquals("rejected", s.outcome("s3").outcome());
  }

  @Test
  void repliesThatCannotGetOutStopNewTurnsUntilTheyDo() {
    FakeReplySender sender = new FakeReplySender();
    ScriptedModel model = ScriptedModel.echo();
    TestConversation s = spawn(model, sender);
    accept(s, "m1", "one");
    accept(s, "m2", "two");
    var first = sender.next(WAIT); // held: the channel is stuck
    awaitTurns(s, 2, Turn.Delivery.PENDING); // the outbox holds max-outbox (2) replies
    accept(s, "m3", "three");
    accept(s, "m4", "four");
    String full = ConversationSettings.from(CONFIG).inboxFullNotice();
    MessageOutcome third = s.outcome("m3");
    assertEquals("rejected", third.outcome());
    assertEquals(full, third.replyText());
    assertEquals("rejected", s.outcome("m4").outcome());
    assertEquals(2, model.requests.size(), "no model call while the outbox is full");
    List<String> notices = new ArrayList<>();
    events(s, MessageRejected.class).forEach(e -> notices.add(e.notice()));
    assertEquals(Arrays.asList(full, null), notices, "one notice queued, not one each");

    first.deliver("1");
    sender.next(WAIT).deliver("2");
    var notice = sender.next(WAIT);
    assertEquals(full, notice.reply().text());
    notice.deliver("3");
    awaitTurns(s, 2, Turn.Delivery.DELIVERED);
    accept(s, "m5", "five");
    assertEquals("re: five", sender.next(WAIT).reply().text());
  }
}
