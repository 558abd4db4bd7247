package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.parley.ScriptedModel;
import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.AwaitOutcome;
import dev.parley.conversation.ConversationCommand.GetConversation;
import dev.parley.conversation.ConversationCommand.MessageOutcome;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import dev.parley.metrics.Metrics;
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
 * A journal write that fails (the database is down) restarts the conversation with backoff instead
 * of stopping it: an unstored receipt is never acknowledged and can be sent again, and a turn whose
 * end could not be written is redone after the restart and ends once, waiters included. The inbox
 * gauge counts what is stored, once, however often the conversation restarts.
 */
@ExtendWith(LogCapturingExtension.class)
class PersistFailureTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Config CONFIG =
      EntityFixture.config(
          "parley.conversation.persist-failure-backoff { min = 50ms, max = 200ms }\n");
  @RegisterExtension static final EntityKit KIT = new EntityKit(CONFIG);
  private static final ActorTestKit testKit = KIT.testKit();
  private static final PersistenceTestKit journal = KIT.journal();

  private static String pid(String key) {
    return ConversationEntity.persistenceId(key).id();
  }

  @Test
  void anUnstoredReceiptIsNotAcknowledgedAndTheConversationComesBack() {
    String key = "user:api:" + UUID.randomUUID();
    ActorRef<ConversationCommand> entity =
        testKit.spawn(
            ConversationEntity.create(
                key, null, EntityFixture.deps(CONFIG, ScriptedModel.holding())));
    TestProbe<StatusReply<Accepted>> first = testKit.createTestProbe();
    journal.failNextPersisted(pid(key));
    entity.tell(new AcceptMessage("m-1", "hello", null, first.getRef()));
    // No answer: the route's ask times out and answers 503, so the sender retries.
    first.expectNoMessage(Duration.ofMillis(500));

    TestProbe<StatusReply<Accepted>> retry = testKit.createTestProbe();
    entity.tell(new AcceptMessage("m-1", "hello", null, retry.getRef()));
    StatusReply<Accepted> accepted = retry.receiveMessage(WAIT);
    assertTrue(accepted.isSuccess(), accepted.toString());
    assertFalse(accepted.getValue().duplicate(), "the failed receipt was not stored");
  }

  @Test
  void aTurnWhoseEndCannotBeStoredIsRedoneOnceAfterTheRestart() {
    String key = "user:api:" + UUID.randomUUID();
    ScriptedModel model = ScriptedModel.holding();
    ActorRef<ConversationCommand> entity =
        testKit.spawn(ConversationEntity.create(key, null, EntityFixture.deps(CONFIG, model)));
    TestProbe<StatusReply<Accepted>> accepted = testKit.createTestProbe();
    entity.tell(new AcceptMessage("m-1", "hello", null, accepted.getRef()));
    assertTrue(accepted.receiveMessage(WAIT).isSuccess());
    ScriptedModel.Call firstCall = model.nextCall(WAIT);
    TestProbe<StatusReply<MessageOutcome>> waiter = testKit.createTestProbe();
    entity.tell(new AwaitOutcome("m-1", waiter.getRef()));

    journal.failNextPersisted(pid(key));
    firstCall.answer().complete(ScriptedModel.text("lost answer"));
    // The restarted conversation redoes the turn: a second model call.
    model.nextCall(WAIT).answer().complete(ScriptedModel.text("second answer"));

    StatusReply<MessageOutcome> outcome = waiter.receiveMessage(WAIT);
    assertTrue(outcome.isSuccess(), outcome.toString());
    assertEquals("second answer", outcome.getValue().replyText());
    List<Object> events = journal.persistedInStorage(pid(key));
    assertEquals(
        List.of(MessageAccepted.class, TurnStarted.class, TurnStarted.class, TurnCompleted.class),
        events.stream().map(Object::getClass).toList(),
        events.toString());
    assertEquals(2, ((TurnStarted) events.get(2)).attempt());
  }

  /** The node's {@code parley_inbox_depth} as published. */
  private static long inboxDepth(Metrics metrics) {
    return sample(metrics, "parley_inbox_depth ");
  }

  private static long sample(Metrics metrics, String prefix) {
    return metrics
        .registry()
        .text()
        .lines()
        .filter(line -> line.startsWith(prefix))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(prefix.length()).trim()))
        .findFirst()
        .orElseThrow();
  }

  /** Sends until a receipt comes back: the first try may be the one whose write fails. */
  private static void acceptEventually(ActorRef<ConversationCommand> entity, String id, String t) {
    testKit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              TestProbe<StatusReply<Accepted>> probe = testKit.createTestProbe();
              entity.tell(new AcceptMessage(id, t, null, probe.getRef()));
              assertTrue(probe.receiveMessage(Duration.ofSeconds(3)).isSuccess());
              return null;
            });
  }

  @Test
  void theInboxGaugeCountsAWaitingMessageOnceAcrossARestart() {
    String key = "user:api:" + UUID.randomUUID();
    ScriptedModel model = ScriptedModel.holding();
    Metrics metrics = Metrics.create();
    ActorRef<ConversationCommand> entity =
        testKit.spawn(
            ConversationEntity.create(
                key, null, EntityFixture.metered(EntityFixture.deps(CONFIG, model), metrics)));
    acceptEventually(entity, "m-1", "hello");
    model.nextCall(WAIT);
    assertEquals(1, inboxDepth(metrics));

    journal.failNextPersisted(pid(key));
    entity.tell(
        new AcceptMessage(
            "m-2", "again", null, testKit.<StatusReply<Accepted>>createTestProbe().getRef()));
    model.nextCall(WAIT); // restarted: m-1's turn is redone
    acceptEventually(entity, "m-2", "again");
    assertEquals(2, inboxDepth(metrics), "m-1 and m-2, each once");

    testKit.stop(entity, WAIT);
    assertEquals(0, inboxDepth(metrics));
  }

  @Test
  void anAnswerWhoseReceiptIsNotStoredIsNotCounted() {
    Config confirming =
        EntityFixture.config(
            "parley.conversation.persist-failure-backoff { min = 50ms, max = 200ms }\n"
                + "parley.tool.require-confirmation = [calculator]\n");
    String key = "user:api:" + UUID.randomUUID();
    Metrics metrics = Metrics.create();
    ActorRef<ConversationCommand> entity =
        testKit.spawn(
            ConversationEntity.create(
                key,
                null,
                EntityFixture.metered(
                    EntityFixture.deps(confirming, ConfirmationTest.model()), metrics)));
    acceptEventually(entity, "m-1", "what is 6*7?");
    TestProbe<ConversationView> view = testKit.createTestProbe();
    view.awaitAssert(
        WAIT,
        () -> {
          entity.tell(new GetConversation(10, 0, view.getRef()));
          assertEquals("awaiting-confirmation", view.receiveMessage(WAIT).state());
          return null;
        });

    journal.failNextPersisted(pid(key));
    acceptEventually(entity, "m-2", "yes");
    TestProbe<StatusReply<MessageOutcome>> waiter = testKit.createTestProbe();
    entity.tell(new AwaitOutcome("m-2", waiter.getRef()));
    assertEquals("result: 42", waiter.receiveMessage(WAIT).getValue().replyText());
    assertEquals(0, inboxDepth(metrics));
    assertEquals(2, sample(metrics, "parley_receipts_total{outcome=\"accepted\"} "));
  }
}
