package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.parley.ScriptedModel;
import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.AwaitOutcome;
import dev.parley.conversation.ConversationCommand.MessageOutcome;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code inbox-policy}: a burst that arrives while a turn's model call is held becomes one turn
 * ({@code coalesce}) or one turn per message ({@code queue}).
 */
@ExtendWith(LogCapturingExtension.class)
class InboxPolicyTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Config QUEUE =
      EntityFixture.config("parley.conversation.inbox-policy = queue");
  private static final Config COALESCE =
      EntityFixture.config("parley.conversation.inbox-policy = coalesce");
  private static ActorTestKit testKit;
  private static PersistenceTestKit journal;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(QUEUE);
    journal = PersistenceTestKit.create(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private record Subject(String key, ActorRef<ConversationCommand> ref) {}

  private static Subject spawn(Config config, ScriptedModel model) {
    String key = "user:api:" + UUID.randomUUID();
    return new Subject(
        key,
        testKit.spawn(ConversationEntity.create(key, null, EntityFixture.deps(config, model))));
  }

  private static void accept(Subject s, String id, String text) {
    TestProbe<StatusReply<Accepted>> probe = testKit.createTestProbe();
    s.ref().tell(new AcceptMessage(id, text, null, probe.getRef()));
    assertTrue(probe.receiveMessage(WAIT).isSuccess());
  }

  private static MessageOutcome outcome(Subject s, String id) {
    TestProbe<StatusReply<MessageOutcome>> probe = testKit.createTestProbe();
    s.ref().tell(new AwaitOutcome(id, probe.getRef()));
    StatusReply<MessageOutcome> reply = probe.receiveMessage(WAIT);
    assertTrue(reply.isSuccess(), () -> "no outcome: " + reply);
    return reply.getValue();
  }

  private static List<Object> events(Subject s) {
    return journal.persistedInStorage(ConversationEntity.persistenceId(s.key()).id());
  }

  private static List<List<String>> startedIds(Subject s) {
    return events(s).stream()
        .filter(TurnStarted.class::isInstance)
        .map(e -> ((TurnStarted) e).messageIds())
        .toList();
  }

  private static List<List<String>> completedIds(Subject s) {
    return events(s).stream()
        .filter(TurnCompleted.class::isInstance)
        .map(e -> ((TurnCompleted) e).user().stream().map(UserLine::id).toList())
        .toList();
  }

  /** The first message starts a turn; three more arrive while its model call is held. */
  private static ScriptedModel.Call burst(Subject s, ScriptedModel model) {
    accept(s, "m1", "first");
    ScriptedModel.Call held = model.nextCall(WAIT);
    accept(s, "m2", "second");
    accept(s, "m3", "third");
    accept(s, "m4", "fourth");
    return held;
  }

  @Test
  void coalesceMakesTheMessagesWaitingWhenATurnStartsOneTurn() {
    ScriptedModel model = ScriptedModel.holding();
    Subject s = spawn(COALESCE, model);
    burst(s, model).answer().complete(ScriptedModel.text("one"));
    ScriptedModel.Call second = model.nextCall(WAIT);
    assertEquals("second\nthird\nfourth", second.lastUserText());
    second.answer().complete(ScriptedModel.text("three at once"));
    assertEquals("one", outcome(s, "m1").replyText());
    for (String id : List.of("m2", "m3", "m4")) {
      assertEquals("three at once", outcome(s, id).replyText());
    }
    List<List<String>> expected = List.of(List.of("m1"), List.of("m2", "m3", "m4"));
    assertEquals(expected, startedIds(s));
    assertEquals(expected, completedIds(s));
    assertEquals(2, model.requests.size());
    assertEquals(0, model.heldCount());
  }

  @Test
  void queueGivesEveryMessageOfTheSameBurstItsOwnTurn() {
    ScriptedModel model = ScriptedModel.holding();
    Subject s = spawn(QUEUE, model);
    burst(s, model).answer().complete(ScriptedModel.text("answer m1"));
    for (String text : List.of("second", "third", "fourth")) {
      ScriptedModel.Call call = model.nextCall(WAIT);
      assertEquals(text, call.lastUserText());
      call.answer().complete(ScriptedModel.text("answer " + text));
    }
    assertEquals("answer fourth", outcome(s, "m4").replyText());
    List<List<String>> expected =
        List.of(List.of("m1"), List.of("m2"), List.of("m3"), List.of("m4"));
    assertEquals(expected, startedIds(s));
    assertEquals(expected, completedIds(s));
    assertEquals(4, model.requests.size());
  }

  @Test
  void aCoalescedTurnRedoneAfterACrashTakesTheSameMessagesAndALaterOneWaits() {
    ScriptedModel model = ScriptedModel.holding();
    String key = "user:api:" + UUID.randomUUID();
    var deps = EntityFixture.deps(COALESCE, model);
    Subject s = new Subject(key, testKit.spawn(ConversationEntity.create(key, null, deps)));
    burst(s, model).answer().complete(ScriptedModel.text("one"));
    assertEquals("second\nthird\nfourth", model.nextCall(WAIT).lastUserText());
    accept(s, "m5", "fifth"); // arrives while the coalesced turn runs
    testKit.stop(s.ref(), WAIT); // no Stop command: nothing is recorded, as in a crash
    s = new Subject(key, testKit.spawn(ConversationEntity.create(key, null, deps)));
    ScriptedModel.Call redo = model.nextCall(WAIT);
    assertEquals("second\nthird\nfourth", redo.lastUserText());
    redo.answer().complete(ScriptedModel.text("three at once"));
    ScriptedModel.Call next = model.nextCall(WAIT);
    assertEquals("fifth", next.lastUserText());
    next.answer().complete(ScriptedModel.text("five"));
    assertEquals("five", outcome(s, "m5").replyText());
    assertEquals("three at once", outcome(s, "m2").replyText());
    assertEquals(
        List.of(List.of("m1"), List.of("m2", "m3", "m4"), List.of("m2", "m3", "m4"), List.of("m5")),
        startedIds(s));
    assertEquals(List.of(List.of("m1"), List.of("m2", "m3", "m4"), List.of("m5")), completedIds(s));
  }
}
