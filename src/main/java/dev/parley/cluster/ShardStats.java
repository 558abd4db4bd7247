package dev.parley.cluster;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion.ShardState;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * This node's shards and live entities of one entity type, for metrics. {@link #refresh} asks the
 * local shard region with a short timeout and caches the answer; the getters only read the cache,
 * so a scrape never waits on an actor for longer than that timeout, and a region that does not
 * answer leaves the last known figures in place.
 */
public final class ShardStats {
  private final ActorSystem<?> system;
  private final EntityTypeKey<?> type;
  private final Duration timeout;
  private final AtomicLong shards = new AtomicLong();
  private final AtomicLong entities = new AtomicLong();

  public ShardStats(ActorSystem<?> system, EntityTypeKey<?> type, Duration timeout) {
    this.system = system;
    this.type = type;
    this.timeout = timeout;
  }

  /** Asks the region once; completes normally within the timeout whether it answered or not. */
  public CompletionStage<Void> refresh() {
    CompletionStage<CurrentShardRegionState> answer =
        AskPattern.ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetShardRegionState(type, replyTo),
            timeout,
            system.scheduler());
    return answer.handle(
        (state, error) -> {
          if (error == null) {
            shards.set(state.getShards().size());
            entities.set(state.getShards().stream().mapToLong(ShardStats::entityCount).sum());
          }
          return null;
        });
  }

  private static long entityCount(ShardState shard) {
    return shard.getEntityIds().size();
  }

  public long shards() {
    return shards.get();
  }

  public long liveEntities() {
    return entities.get();
  }
}
