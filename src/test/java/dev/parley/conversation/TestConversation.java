package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.AwaitOutcome;
import dev.parley.conversation.ConversationCommand.GetConversation;
import dev.parley.conversation.ConversationCommand.MessageOutcome;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;

/**
 * One conversation entity spawned on a test kit (outside sharding), and the asks the entity tests
 * make of it, each answered within {@link #WAIT}.
 */
record TestConversation(
    ActorTestKit testKit, String key, ActorRef<ConversationCommand> ref, ConversationDeps deps) {
  static final Duration WAIT = Duration.ofSeconds(15);

  /** A new chat-API conversation with a key of its own. */
  static TestConversation spawn(ActorTestKit testKit, ConversationDeps deps) {
    return spawn(testKit, "user:api:" + UUID.randomUUID(), deps);
  }

  static TestConversation spawn(ActorTestKit testKit, String key, ConversationDeps deps) {
    return new TestConversation(
        testKit, key, testKit.spawn(ConversationEntity.create(key, null, deps)), deps);
  }

  /** The same conversation in a new incarnation: it recovers from the journal. */
  TestConversation restarted() {
    return spawn(testKit, key, deps);
  }

  /** Sends a message with no reply address (the chat API's); it must be accepted. */
  Accepted accept(String id, String text) {
    return accept(id, text, null, null);
  }

  /** Sends a message from {@code sender} with its reply address; it must be accepted. */
  Accepted accept(String id, String text, String sender, ReplyAddress address) {
    TestProbe<StatusReply<Accepted>> probe = testKit.createTestProbe();
    ref.tell(new AcceptMessage(id, text, sender, address, probe.getRef()));
    StatusReply<Accepted> reply = probe.receiveMessage(WAIT);
    assertTrue(reply.isSuccess(), reply::toString);
    return reply.getValue();
  }

  /** How message {@code id} ended, once it has. */
  MessageOutcome outcome(String id) {
    TestProbe<StatusReply<MessageOutcome>> probe = testKit.createTestProbe();
    ref.tell(new AwaitOutcome(id, probe.getRef()));
    StatusReply<MessageOutcome> reply = probe.receiveMessage(WAIT);
    assertTrue(reply.isSuccess(), () -> "no outcome: " + reply);
    return reply.getValue();
  }

  /** The conversation's latest 200 turns and its state. */
  ConversationView view() {
    TestProbe<ConversationView> probe = testKit.createTestProbe();
    ref.tell(new GetConversation(200, 0, probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  /** What the journal holds for this conversation, oldest first. */
  List<Object> events(PersistenceTestKit journal) {
    return journal.persistedInStorage(ConversationEntity.persistenceId(key).id());
  }
}
