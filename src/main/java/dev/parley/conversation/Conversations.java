package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.AwaitOutcome;
import dev.parley.conversation.ConversationCommand.Erase;
import dev.parley.conversation.ConversationCommand.GetConversation;
import dev.parley.conversation.ConversationCommand.MessageOutcome;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The edge's way into conversations, wherever in the cluster they live: every call is an ask
 * through sharding with a deadline, so a caller always gets an answer or a timeout, never
 * silence. Errors arrive as {@code StatusReply.ErrorMessage} with a machine code.
 */
public final class Conversations {
  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public Conversations(ActorSystem<?> system, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
  }

  public CompletionStage<Accepted> accept(ConversationKey key, InboundMessage message) {
    return ref(key)
        .askWithStatus(
            replyTo ->
                new AcceptMessage(message.messageId(), message.text(), message.sender(), replyTo),
            askTimeout);
  }

  public CompletionStage<MessageOutcome> awaitOutcome(
      ConversationKey key, String messageId, Duration wait) {
    return ref(key).askWithStatus(replyTo -> new AwaitOutcome(messageId, replyTo), wait);
  }

  public CompletionStage<ConversationView> view(ConversationKey key, int limit, long before) {
    return ref(key).ask(replyTo -> new GetConversation(limit, before, replyTo), askTimeout);
  }

  public CompletionStage<Done> erase(ConversationKey key) {
    // Erasing waits for a database transaction: allow it more than a receipt.
    return ref(key).askWithStatus(Erase::new, askTimeout.multipliedBy(3));
  }

  private EntityRef<ConversationCommand> ref(ConversationKey key) {
    return sharding.entityRefFor(ConversationEntity.ENTITY_KEY, key.value());
  }
}
