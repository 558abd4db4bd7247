package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.Advance;
import dev.parley.conversation.InternalCommand.ResolveRejection;
import dev.parley.metrics.ConversationMetrics;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.JournalPersistRejected;

/**
 * What a conversation does as one incarnation begins and ends: it counts its inbox in {@code
 * parley_inbox_depth} exactly once per incarnation, and carries a write the journal refused over
 * the restart that follows, holding every other command back until that write is resolved. Kept by
 * the entity object, which a supervised restart keeps; confined to the entity's actor.
 */
final class IncarnationSignals {
  private final ActorContext<ConversationCommand> context;
  private final ConversationMetrics metrics;
  private final TurnRunner runner;
  private final DeliveryRunner delivery;
  private final OutcomeWaiters waiters;
  private final RejectedWrites rejections = new RejectedWrites();
  // What the journal refused before this incarnation's restart, until it is resolved.
  private RejectedWrites.Rejection pendingRejection;
  // Whether this incarnation's inbox is in parley_inbox_depth: added on recovery, taken out
  // once on PreRestart or PostStop (a journal failure restarts without PostStop, and
  // recovery adds the inbox again).
  private boolean inboxCounted;

  IncarnationSignals(
      ActorContext<ConversationCommand> context,
      ConversationMetrics metrics,
      TurnRunner runner,
      DeliveryRunner delivery,
      OutcomeWaiters waiters) {
    this.context = context;
    this.metrics = metrics;
    this.runner = runner;
    this.delivery = delivery;
    this.waiters = waiters;
  }

  /**
   * Whether {@code command} must wait in the stash: after a refusal, nothing overtakes its
   * resolution. Otherwise it is noted, with the events it leads to, in case the journal refuses
   * them.
   */
  boolean holdsBack(ConversationState state, ConversationCommand command) {
    if (pendingRejection != null && !(command instanceof ResolveRejection)) {
      return true;
    }
    rejections.handling(state, command);
    return false;
  }

  /**
   * Pekko applies an event before writing it; noting it (outside the state) costs nothing on
   * recovery, where no command is being handled.
   */
  void applied(ConversationEvent event) {
    rejections.applied(event);
  }

  /** The refusal to resolve now, once; null when there is none. */
  RejectedWrites.Rejection resolving() {
    var rejection = pendingRejection;
    pendingRejection = null;
    rejections.resolving(rejection);
    return rejection;
  }

  /** Counts the inbox, resolves a refusal first if there was one, resumes the outbox and inbox. */
  void recovered(ConversationState state) {
    metrics.inboxDepthChanged(state.inbox().size());
    inboxCounted = true;
    pendingRejection = rejections.take();
    if (pendingRejection != null) {
      context.getSelf().tell(ResolveRejection.INSTANCE);
    }
    delivery.afterRestart();
    context.getSelf().tell(Advance.INSTANCE);
  }

  /**
   * The journal refused a write: Pekko throws next, and the supervisor restarts this entity. The
   * gauge counted the inbox as it was before the refused command.
   */
  void persistRejected(JournalPersistRejected signal) {
    rejections.rejected(signal.failure());
    if (inboxCounted) {
      metrics.inboxDepthChanged(-rejections.inboxBefore());
      inboxCounted = false;
    }
  }

  void stopped(ConversationState state) {
    uncountInbox(state);
    waiters.abandonAll(ConversationError.STOPPED);
  }

  /** A journal failure restarts the entity (backoff); recovery redoes the running turn. */
  void restarting(ConversationState state) {
    uncountInbox(state);
    runner.abandon();
    rejections.restarting();
  }

  private void uncountInbox(ConversationState state) {
    if (inboxCounted) {
      metrics.inboxDepthChanged(-state.inbox().size());
      inboxCounted = false;
    }
  }
}
