package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import dev.parley.ScriptedModel;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

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
  @RegisterExtension static final EntityKit KIT = new EntityKit(QUEUE);
  private static final ActorTestKit testKit = KIT.testKit();
  private static final PersistenceTestKit journal = KIT.journal();

  private static TestConversation spawn(Config config, ScriptedModel model) {
    return TestConversation.spawn(testKit, EntityFixture.deps(config, model));
  }

  private static List<List<String>> startedIds(TestConversation s) {
    return s.events(journal).stream()
        .filter(TurnStarted.class::isInstance)
        .map(e -> ((TurnStarted) e).messageIds())
        .toList();
  }

  private static List<List<String>> completedIds(TestConversation s) {
    return s.events(journal).stream()
        .filter(TurnCompleted.class::isInstance)
        .map(e -> ((TurnCompleted) e).user().stream().map(UserLine::id).toList())
        .toList();
  }

  /** The first message starts a turn; three more arrive while its model call is held. */
  private static ScriptedModel.Call burst(TestConversation s, ScriptedModel model) {
    s.accept("m1", "first");
    ScriptedModel.Call held = model.nextCall(WAIT);
    s.accept("m2", "second");
    s.accept("m3", "third");
    s.accept("m4", "fourth");
    return held;
  }

  @Test
  void coalesceMakesTheMessagesWaitingWhenATurnStartsOneTurn() {
    ScriptedModel model = ScriptedModel.holding();
    TestConversation s = spawn(COALESCE, model);
    burst(s, model).answer().complete(ScriptedModel.text("one"));
    ScriptedModel.Call second = model.nextCall(WAIT);
    assertEquals("second\nthird\nfourth", second.lastUserText());
    second.answer().complete(ScriptedModel.text("three at once"));
    assertEquals("one", s.outcome("m1").replyText());
    for (String id : List.of("m2", "m3", "m4")) {
      assertEquals("three at once", s.outcome(id).replyText());
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
    TestConversation s = spawn(QUEUE, model);
    burst(s, model).answer().complete(ScriptedModel.text("answer m1"));
    for (String text : List.of("second", "third", "fourth")) {
      ScriptedModel.Call call = model.nextCall(WAIT);
      assertEquals(text, call.lastUserText());
      call.answer().complete(ScriptedModel.text("answer " + text));
    }
    assertEquals("answer fourth", s.outcome("m4").replyText());
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
    TestConversation s = TestConversation.spawn(testKit, key, deps);
    burst(s, model).answer().complete(ScriptedModel.text("one"));
    assertEquals("second\nthird\nfourth", model.nextCall(WAIT).lastUserText());
    s.accept("m5", "fifth"); // arrives while the coalesced turn runs
    testKit.stop(s.ref(), WAIT); // no Stop command: nothing is recorded, as in a crash
    s = TestConversation.spawn(testKit, key, deps);
    ScriptedModel.Call redo = model.nextCall(WAIT);
    assertEquals("second\nthird\nfourth", redo.lastUserText());
    redo.answer().complete(ScriptedModel.text("three at once"));
    ScriptedModel.Call next = model.nextCall(WAIT);
    assertEquals("fifth", next.lastUserText());
    next.answer().complete(ScriptedModel.text("five"));
    assertEquals("five", s.outcome("m5").replyText());
    assertEquals("three at once", s.outcome("m2").replyText());
    assertEquals(
        List.of(List.of("m1"), List.of("m2", "m3", "m4"), List.of("m2", "m3", "m4"), List.of("m5")),
        startedIds(s));
    assertEquals(List.of(List.of("m1"), List.of("m2", "m3", "m4"), List.of("m5")), completedIds(s));
  }
}
