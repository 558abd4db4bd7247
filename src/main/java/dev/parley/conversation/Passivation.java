package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.Advance;
import dev.parley.conversation.ConversationCommand.Stop;
import dev.parley.conversation.ConversationEvent.TurnInterrupted;
import dev.parley.conversation.InternalCommand.IdleTimeout;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * How a conversation leaves memory: it asks its shard to passivate it once idle a while (or once
 * erased), and stops on the shard's {@code Stop}, recording a turn in flight as interrupted so the
 * next owner redoes it. Outside sharding ({@code shard} null, in tests) it stops itself.
 */
final class Passivation {
  private final String key;
  private final ActorContext<ConversationCommand> context;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final TurnRunner runner;
  private final DeliveryRunner delivery;
  private final OutcomeWaiters waiters;
  private final EffectFactories<ConversationEvent, ConversationState> effect;

  /** This entity asked its shard to passivate it, so the next Stop is the answer to that. */
  private boolean askedToPassivate;

  Passivation(
      String key,
      ActorContext<ConversationCommand> context,
      ActorRef<ClusterSharding.ShardCommand> shard,
      TurnRunner runner,
      DeliveryRunner delivery,
      OutcomeWaiters waiters,
      EffectFactories<ConversationEvent, ConversationState> effect) {
    this.key = key;
    this.context = context;
    this.shard = shard;
    this.runner = runner;
    this.delivery = delivery;
    this.waiters = waiters;
    this.effect = effect;
  }

  /**
   * Stop on passivation or hand-off. A turn in flight is recorded as interrupted first, so the next
   * owner redoes it without counting a crash: a rolling restart may move a long turn more often
   * than max-attempts allows for crashes.
   */
  ReplyEffect<ConversationEvent, ConversationState> onStop(ConversationState state, Stop cmd) {
    if (!state.isIdle() && shard != null && askedToPassivate) {
      // Work came in after this entity asked to passivate (a message reached it before the
      // shard saw the request): an Advance through sharding is buffered by the shard and
      // starts the entity again, so the work does not wait for the next message. A Stop this
      // entity did not ask for is a hand-off: the shard's next owner starts its remembered
      // entities, whose recovery advances them, so nothing is sent. (An Advance sent then would
      // wait in the leaving region's buffer, and on the last node of a cluster, where no
      // other region takes the shard, hold the region's shutdown until its phase times out.)
      ClusterSharding.get(context.getSystem())
          .entityRefFor(ConversationEntity.ENTITY_KEY, key)
          .tell(Advance.INSTANCE);
    }
    TurnInterrupted interrupted = runner.interruption();
    if (interrupted == null) {
      return effect.stop().thenNoReply();
    }
    runner.abandon();
    return effect.persist(interrupted).thenStop().thenNoReply();
  }

  /** An erasing entity stops without a word: nothing may be persisted, its work is dropped. */
  ReplyEffect<ConversationEvent, ConversationState> onStopWhileErasing(
      ConversationState state, Stop cmd) {
    return effect.stop().thenNoReply();
  }

  ReplyEffect<ConversationEvent, ConversationState> onIdleTimeout(
      ConversationState state, IdleTimeout cmd) {
    if (state.isIdle() && !runner.busy() && !delivery.busy() && waiters.isEmpty()) {
      passivate();
    }
    return effect.noReply();
  }

  /** Asks the shard to stop this entity (which then sends it {@code Stop}). */
  void passivate() {
    askedToPassivate = true;
    if (shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    } else {
      context.getSelf().tell(Stop.INSTANCE);
    }
  }
}
