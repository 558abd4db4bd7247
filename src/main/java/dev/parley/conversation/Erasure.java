package dev.parley.conversation;

import dev.parley.conversation.InternalCommand.EraseFinished;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;

/**
 * The erasure of a conversation under way: the eraser deletes every stored row in one transaction
 * off the entity's thread, and its end comes back as {@link EraseFinished}. While it runs the
 * entity is in its erasing phase, in memory only: nothing may be persisted then, since an event
 * written meanwhile would outlive the erasure.
 */
final class Erasure {
  private final String key;
  private final ActorContext<ConversationCommand> context;
  private final ConversationEraser eraser;
  private boolean inProgress;

  Erasure(String key, ActorContext<ConversationCommand> context, ConversationEraser eraser) {
    this.key = key;
    this.context = context;
    this.eraser = eraser;
  }

  boolean inProgress() {
    return inProgress;
  }

  /** Starts the eraser's transaction; {@code replyTo} is answered once it ends. */
  void start(ActorRef<StatusReply<Done>> replyTo) {
    context.getLog().info("{}: erasing the conversation", key);
    inProgress = true;
    context.pipeToSelf(
        eraser.erase(ConversationEntity.persistenceId(key).id()),
        (done, error) -> new EraseFinished(replyTo, error == null ? null : error.toString()));
  }

  /**
   * The transaction failed: being one transaction, it changed nothing; the conversation goes on.
   */
  void failed(String error) {
    context.getLog().error("{}: erasing failed: {}", key, error);
    inProgress = false;
  }
}
