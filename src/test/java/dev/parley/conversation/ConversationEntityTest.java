package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.parley.ScriptedModel;
import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import java.time.Duration;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Commands to events to state, and recovery, on the in-memory journal. */
@ExtendWith(LogCapturingExtension.class)
class ConversationEntityTest {
  private static final Config CONFIG =
      EntityFixture.config("parley.conversation.snapshot-every = 4");
  @RegisterExtension static final EntityKit KIT = new EntityKit(CONFIG);
  private static final ActorTestKit testKit = KIT.testKit();

  private String key;

  private EventSourcedBehaviorTestKit<ConversationCommand, ConversationEvent, ConversationState>
      kit(ScriptedModel model) {
    key = "user:api:" + UUID.randomUUID();
    return EventSourcedBehaviorTestKit.create(
        testKit.system(), ConversationEntity.create(key, null, EntityFixture.deps(CONFIG, model)));
  }

  private String persistenceId() {
    return ConversationEntity.persistenceId(key).id();
  }

  @Test
  void acceptingPersistsAReceiptBeforeAnswering() {
    var kit = kit(ScriptedModel.holding());
    var r =
        kit.runCommand(
            (ActorRef<StatusReply<Accepted>> to) -> new AcceptMessage("m1", "hi", "ann", to));
    assertEquals(new Accepted("m1", false), r.reply().getValue());
    MessageAccepted receipt = assertInstanceOf(MessageAccepted.class, r.events().get(0));
    assertEquals("m1", receipt.messageId());
    assertEquals("ann", receipt.sender());
    assertEquals(1, kit.getState().inbox().size());
  }

  @Test
  void duplicateIdGivesOneReceipt() {
    var kit = kit(ScriptedModel.holding());
    kit.runCommand((ActorRef<StatusReply<Accepted>> to) -> new AcceptMessage("m1", "hi", null, to));
    var again =
        kit.runCommand(
            (ActorRef<StatusReply<Accepted>> to) -> new AcceptMessage("m1", "hi", null, to));
    assertTrue(again.reply().getValue().duplicate());
    assertTrue(again.events().isEmpty());
    long receipts =
        kit.persistenceTestKit().persistedInStorage(persistenceId()).stream()
            .filter(e -> e instanceof MessageAccepted)
            .count();
    assertEquals(1, receipts);
  }

  @Test
  void textOverTheLimitIsRefusedWithoutAReceipt() {
    var kit = kit(ScriptedModel.holding());
    String tooLong = "x".repeat(ConversationSettings.from(CONFIG).maxTextChars() + 1);
    var r =
        kit.runCommand(
            (ActorRef<StatusReply<Accepted>> to) -> new AcceptMessage("m1", tooLong, null, to));
    assertTrue(r.reply().isError());
    assertTrue(r.events().isEmpty());
  }

  @Test
  void recoveryFromSnapshotPlusEventsReproducesTheState() {
    var kit = kit(ScriptedModel.echo());
    for (int i = 1; i <= 6; i++) {
      String id = "m" + i;
      kit.runCommand(
          (ActorRef<StatusReply<Accepted>> to) -> new AcceptMessage(id, "hello " + id, null, to));
      int expected = i;
      testKit
          .createTestProbe()
          .awaitAssert(
              Duration.ofSeconds(10),
              () -> {
                assertEquals(expected, kit.getState().turns().size());
                return null;
              });
    }
    ConversationState before = kit.getState();
    // 6 receipts + 6 starts + 6 completions = 18 events: snapshots at 16, plus two events after.
    assertFalse(kit.snapshotTestKit().orElseThrow().persistedInStorage(persistenceId()).isEmpty());
    ConversationState after = kit.restart().state();
    assertEquals(before, after);
    assertEquals("re: hello m6", after.turns().get(5).reply());
  }

  @Test
  void aCompletedTurnHoldsTheUserMessageToolCallsAndReply() {
    var kit = kit(ScriptedModel.echo());
    kit.runCommand(
        (ActorRef<StatusReply<Accepted>> to) -> new AcceptMessage("m1", "hey", "ann", to));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          assertEquals(1, kit.getState().turns().size());
          return null;
        });
    Turn turn = kit.getState().turns().get(0);
    assertEquals("hey", turn.user().get(0).text());
    assertEquals("ann", turn.user().get(0).sender());
    assertEquals("re: hey", turn.reply());
    assertTrue(kit.getState().isIdle());
    long completions =
        kit.persistenceTestKit().persistedInStorage(persistenceId()).stream()
            .filter(e -> e instanceof TurnCompleted)
            .count();
    assertEquals(1, completions);
  }
}
