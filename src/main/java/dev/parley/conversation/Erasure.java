package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.Erase;
import dev.parley.conversation.InternalCommand.EraseFinished;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * Erasing a conversation: the entity drops its work in flight, deletes every stored row in one
 * transaction, and stops, so that the next message recovers an empty journal. While it runs nothing
 * is persisted (new messages get a retryable refusal), since an event written then would outlive
 * the erasure.
 */
final class Erasure {
  private final String key;
  private final ActorContext<ConversationCommand> context;
  private final ConversationEraser eraser;
  private final Runnable passivate;
  private final Runnable abandonWork;
  private final Runnable resume;
  private boolean inProgress;

  Erasure(
      String key,
      ActorContext<ConversationCommand> context,
      ConversationEraser eraser,
      Runnable passivate,
      Runnable abandonWork,
      Runnable resume) {
    this.key = key;
    this.context = context;
    this.eraser = eraser;
    this.passivate = passivate;
    this.abandonWork = abandonWork;
    this.resume = resume;
  }

  boolean inProgress() {
    return inProgress;
  }

  ReplyEffect<ConversationEvent, ConversationState> onErase(
      EffectFactories<ConversationEvent, ConversationState> effect, Erase cmd) {
    if (inProgress) {
      return effect.reply(cmd.replyTo(), ConversationError.ERASING.reply());
    }
    context.getLog().info("{}: erasing the conversation", key);
    inProgress = true;
    abandonWork.run();
    context.pipeToSelf(
        eraser.erase(ConversationEntity.persistenceId(key).id()),
        (done, error) -> new EraseFinished(cmd.replyTo(), error == null ? null : error.toString()));
    return effect.noReply();
  }

  ReplyEffect<ConversationEvent, ConversationState> onFinished(
      EffectFactories<ConversationEvent, ConversationState> effect, EraseFinished cmd) {
    if (cmd.error() != null) {
      // One transaction: nothing changed. Take up the work dropped at the start again, here
      // (passivating would drop the conversation from remember-entities with work pending).
      context.getLog().error("{}: erasing failed: {}", key, cmd.error());
      inProgress = false;
      resume.run();
      return effect.reply(cmd.replyTo(), ConversationError.ERASE_FAILED.reply());
    }
    // The next incarnation recovers an empty journal.
    passivate.run();
    return effect.reply(cmd.replyTo(), StatusReply.success(Done.getInstance()));
  }
}
