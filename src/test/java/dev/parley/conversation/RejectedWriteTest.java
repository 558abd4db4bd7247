package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.parley.ScriptedModel;
import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.AwaitOutcome;
import dev.parley.conversation.ConversationCommand.MessageOutcome;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.MessageRejected;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnFailed;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A write the journal refuses (it could not serialize the event) is a handled failure of that one
 * message or turn: the conversation restarts instead of stopping, records a rejection or a failed
 * turn with a notice in its place, answers the sender, and goes on with the next message. A refused
 * turn is not redone: it would only be refused again.
 */
@ExtendWith(LogCapturingExtension.class)
class RejectedWriteTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Config CONFIG =
      EntityFixture.config(
          "parley.conversation.persist-failure-backoff { min = 50ms, max = 200ms }\n");
  private static final ConversationSettings SETTINGS = ConversationSettings.from(CONFIG);
  @RegisterExtension static final EntityKit KIT = new EntityKit(CONFIG);
  private static final ActorTestKit testKit = KIT.testKit();
  private static final PersistenceTestKit journal = KIT.journal();

  private static String pid(String key) {
    return ConversationEntity.persistenceId(key).id();
  }

  private static Accepted accept(ActorRef<ConversationCommand> entity, String id, String text) {
    TestProbe<StatusReply<Accepted>> probe = testKit.createTestProbe();
    entity.tell(new AcceptMessage(id, text, null, probe.getRef()));
    StatusReply<Accepted> reply = probe.receiveMessage(WAIT);
    assertTrue(reply.isSuccess(), reply.toString());
    return reply.getValue();
  }

  private static MessageOutcome outcome(ActorRef<ConversationCommand> entity, String id) {
    TestProbe<StatusReply<MessageOutcome>> probe = testKit.createTestProbe();
    entity.tell(new AwaitOutcome(id, probe.getRef()));
    StatusReply<MessageOutcome> reply = probe.receiveMessage(WAIT);
    assertTrue(reply.isSuccess(), reply.toString());
    return reply.getValue();
  }

  private static List<Class<?>> stored(String key) {
    return journal.persistedInStorage(pid(key)).stream().<Class<?>>map(Object::getClass).toList();
  }

  @Test
  void aRefusedReceiptIsRejectedWithANoticeAndTheConversationGoesOn() {
    String key = "user:api:" + UUID.randomUUID();
    ActorRef<ConversationCommand> entity =
        testKit.spawn(
            ConversationEntity.create(key, null, EntityFixture.deps(CONFIG, ScriptedModel.echo())));
    journal.rejectNextPersisted(pid(key));

    // The sender is answered (no 503 to retry for ever), and the message ends as rejected.
    assertFalse(accept(entity, "m-1", "hello").duplicate());
    MessageOutcome refused = outcome(entity, "m-1");
    assertEquals("rejected", refused.outcome());
    assertEquals(SETTINGS.unstorableNotice(), refused.replyText());
    assertTrue(accept(entity, "m-1", "hello").duplicate(), "a retry changes nothing");

    accept(entity, "m-2", "again");
    assertEquals("re: again", outcome(entity, "m-2").replyText());
    assertEquals(
        List.of(
            MessageRejected.class, MessageAccepted.class, TurnStarted.class, TurnCompleted.class),
        stored(key));
  }

  @Test
  void whenEvenTheReplacementIsRefusedTheSenderGetsAnErrorAndNothingLoops() {
    String key = "user:api:" + UUID.randomUUID();
    ActorRef<ConversationCommand> entity =
        testKit.spawn(
            ConversationEntity.create(key, null, EntityFixture.deps(CONFIG, ScriptedModel.echo())));
    journal.rejectNextNPersisted(pid(key), 2);

    TestProbe<StatusReply<Accepted>> first = testKit.createTestProbe();
    entity.tell(new AcceptMessage("m-1", "hello", null, first.getRef()));
    StatusReply<Accepted> refused = first.receiveMessage(WAIT);
    assertTrue(refused.isError(), refused.toString());
    assertEquals("unstorable", refused.getError().getMessage());

    accept(entity, "m-2", "again");
    assertEquals("re: again", outcome(entity, "m-2").replyText());
    assertEquals(
        List.of(MessageAccepted.class, TurnStarted.class, TurnCompleted.class), stored(key));
  }

  @Test
  void aRefusedTurnFailsOnceWithANoticeAndIsNotRedone() {
    String key = "user:api:" + UUID.randomUUID();
    ScriptedModel model = ScriptedModel.holding();
    ActorRef<ConversationCommand> entity =
        testKit.spawn(ConversationEntity.create(key, null, EntityFixture.deps(CONFIG, model)));
    accept(entity, "m-1", "hello");
    ScriptedModel.Call call = model.nextCall(WAIT);
    // Asked before the refusal: a waiter survives the restart and hears the outcome.
    TestProbe<StatusReply<MessageOutcome>> waiter = testKit.createTestProbe();
    entity.tell(new AwaitOutcome("m-1", waiter.getRef()));

    journal.rejectNextPersisted(pid(key));
    call.answer().complete(ScriptedModel.text("an answer the journal refuses"));

    MessageOutcome failed = waiter.receiveMessage(WAIT).getValue();
    assertEquals("failed", failed.outcome());
    assertEquals(SETTINGS.failureNotice(), failed.replyText());
    TurnFailed recorded = (TurnFailed) journal.persistedInStorage(pid(key)).get(2);
    assertEquals("unstorable", recorded.code());
    assertEquals(List.of("m-1"), recorded.messageIds());

    accept(entity, "m-2", "next");
    model.nextCall(WAIT).answer().complete(ScriptedModel.text("fine"));
    assertEquals("fine", outcome(entity, "m-2").replyText());
    assertEquals(
        List.of(
            MessageAccepted.class,
            TurnStarted.class,
            TurnFailed.class,
            MessageAccepted.class,
            TurnStarted.class,
            TurnCompleted.class),
        stored(key),
        "one attempt at the refused turn, no redo");
  }
}
