package dev.parley.conversation;

import dev.parley.async.Stages;
import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.AwaitOutcome;
import dev.parley.conversation.ConversationCommand.Erase;
import dev.parley.conversation.ConversationCommand.GetConversation;
import dev.parley.conversation.ConversationCommand.MessageOutcome;
import dev.parley.conversation.ConversationCommand.PressButton;
import dev.parley.conversation.ConversationCommand.RecordNote;
import dev.parley.conversation.ConversationCommand.RejectMessage;
import dev.parley.conversation.ConversationCommand.UpdateDeliveryStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.pattern.StatusReply;
import scala.concurrent.ExecutionContextExecutor;

/**
 * The edge's way into conversations, wherever in the cluster they live: every call is an ask
 * through sharding with a deadline, so a caller always gets an answer or a timeout, never silence.
 * Errors arrive as {@code StatusReply.ErrorMessage} with a machine code.
 */
public final class Conversations {
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final TurnArchive archive;
  private final JournalIndex index;
  private final Scheduler scheduler;

  /** Where asks' answers are continued, and retries are run. */
  private final ExecutionContextExecutor dispatcher;

  /** Asks refused as {@code erasing} are asked again this often, after this pause each. */
  private static final int ERASING_RETRIES = 5;

  private static final Duration ERASING_PAUSE = Duration.ofMillis(100);

  public Conversations(
      ActorSystem<?> system, Duration askTimeout, TurnArchive archive, JournalIndex index) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
    this.archive = archive;
    this.index = index;
    this.scheduler = system.classicSystem().scheduler();
    this.dispatcher = system.executionContext();
  }

  public CompletionStage<Accepted> accept(ConversationKey key, InboundMessage message) {
    return afterErasure(
        () ->
            ref(key)
                .askWithStatus(
                    replyTo ->
                        new AcceptMessage(
                            message.messageId(),
                            message.text(),
                            message.sender(),
                            message.address(),
                            replyTo),
                    askTimeout),
        ERASING_RETRIES);
  }

  /**
   * Receive a message that starts no turn (not text, say): remembered for dedupe, and the user gets
   * {@code notice} through the channel.
   */
  public CompletionStage<Accepted> reject(
      ConversationKey key, String messageId, String reason, String notice, ReplyAddress address) {
    return afterErasure(
        () ->
            ref(key)
                .askWithStatus(
                    replyTo -> new RejectMessage(messageId, reason, notice, address, replyTo),
                    askTimeout),
        ERASING_RETRIES);
  }

  /**
   * Records a channel's status for one of our sent messages ({@code sent}, {@code delivered},
   * {@code read}, {@code failed}); statuses only move forward.
   */
  public CompletionStage<Done> deliveryStatus(
      ConversationKey key, String channelMessageId, String status) {
    return onDispatcher(
        ref(key)
            .askWithStatus(
                replyTo -> new UpdateDeliveryStatus(channelMessageId, status, replyTo),
                askTimeout));
  }

  /**
   * Hands a button press to the conversation: {@code accepted}, {@code expired} or {@code
   * not-yours}.
   */
  public CompletionStage<String> pressButton(ConversationKey key, String data, String userId) {
    return onDispatcher(
        ref(key)
            .askWithStatus(
                (ActorRef<StatusReply<String>> replyTo) -> new PressButton(data, userId, replyTo),
                askTimeout));
  }

  /** Records a fact about the chat that starts no turn (bot added or removed, migration). */
  public CompletionStage<Done> note(ConversationKey key, String kind, String detail) {
    return note(key, null, kind, detail);
  }

  /**
   * Like {@link #note(ConversationKey, String, String)}, remembering {@code noteId} (e.g. {@code
   * tg:<update_id>}) so that the sender's retry of the same update records nothing twice.
   */
  public CompletionStage<Done> note(
      ConversationKey key, String noteId, String kind, String detail) {
    return onDispatcher(
        ref(key)
            .askWithStatus(replyTo -> new RecordNote(noteId, kind, detail, replyTo), askTimeout));
  }

  public CompletionStage<MessageOutcome> awaitOutcome(
      ConversationKey key, String messageId, Duration wait) {
    return onDispatcher(
        ref(key).askWithStatus(replyTo -> new AwaitOutcome(messageId, wait, replyTo), wait));
  }

  /**
   * A page of turns: from the entity's window, topped up from the journal when the page reaches
   * back past the window. A conversation with nothing stored is answered empty without starting its
   * entity: anyone may read any key, and each entity started that way would stay remembered.
   */
  public CompletionStage<ConversationView> view(ConversationKey key, int limit, long before) {
    return index
        .hasEvents(ConversationEntity.persistenceId(key.value()).id())
        .thenCompose(
            stored ->
                stored
                    ? viewOfEntity(key, limit, before)
                    : CompletableFuture.completedFuture(
                        new ConversationView(key.value(), "idle", 0, List.of(), false, null)));
  }

  private CompletionStage<ConversationView> viewOfEntity(
      ConversationKey key, int limit, long before) {
    return onDispatcher(
            ref(key)
                .ask(
                    (ActorRef<ConversationView> replyTo) ->
                        new GetConversation(limit, before, replyTo),
                    askTimeout))
        .thenCompose(
            view -> {
              if (view.turns().size() >= limit || !view.moreBefore()) {
                return CompletableFuture.completedFuture(view);
              }
              long oldest = view.turns().isEmpty() ? before : view.turns().get(0).turnId();
              long from = oldest > 0 ? oldest : Long.MAX_VALUE;
              return onDispatcher(
                      archive.turnsBefore(key.value(), from, limit - view.turns().size()))
                  .thenApply(
                      older -> {
                        List<Turn> turns = new ArrayList<>(older);
                        turns.addAll(view.turns());
                        boolean more =
                            !turns.isEmpty()
                                && turns.get(0).turnId() > 1
                                && older.size() == limit - view.turns().size();
                        return new ConversationView(
                            view.key(),
                            view.state(),
                            view.inbox(),
                            turns,
                            more,
                            view.pendingConfirmation(),
                            view.memory());
                      });
            });
  }

  public CompletionStage<Done> erase(ConversationKey key) {
    // Erasing waits for a database transaction: allow it more than a receipt.
    return onDispatcher(ref(key).askWithStatus(Erase::new, askTimeout.multipliedBy(3)));
  }

  /**
   * {@code ask}, asked again after {@link #ERASING_PAUSE} while the conversation answers {@code
   * erasing}, at most {@code retries} times. An erasure that has just ended still refuses what
   * reaches the entity before it stops (the shard buffers only what comes after), so a message sent
   * right after the {@code 204} would otherwise get a 503. Safe: a refusal stored nothing, and a
   * message id is accepted once.
   */
  private <T> CompletionStage<T> afterErasure(Supplier<CompletionStage<T>> ask, int retries) {
    return onDispatcher(ask.get())
        .exceptionallyCompose(
            error ->
                retries > 0 && ConversationError.ERASING.code().equals(errorCode(error))
                    ? onDispatcher(
                        Patterns.after(
                            ERASING_PAUSE,
                            scheduler,
                            dispatcher,
                            () -> afterErasure(ask, retries - 1)))
                    : CompletableFuture.failedStage(error));
  }

  private static String errorCode(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof StatusReply.ErrorMessage ? cause.getMessage() : null;
  }

  /** Continues on the dispatcher: an ask's own stage would continue on a new thread (Stages). */
  private <T> CompletionStage<T> onDispatcher(CompletionStage<T> stage) {
    return Stages.on(dispatcher, stage);
  }

  private EntityRef<ConversationCommand> ref(ConversationKey key) {
    return sharding.entityRefFor(ConversationEntity.ENTITY_KEY, key.value());
  }
}
