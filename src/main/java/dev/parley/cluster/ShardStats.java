package dev.parley.cluster;

import dev.parley.async.Stages;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.ShardRegion.ShardRegionStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.Patterns;

/**
 * This node's shards and live entities of one entity type, for metrics. {@link #refresh} asks the
 * local shard region with a short timeout and caches the answer; the getters only read the cache,
 * so a scrape never waits on an actor for longer than that timeout, and a region that does not
 * answer leaves the last known figures in place. It asks for the shards' counts (each shard answers
 * with the size of its entity map: entities running, starting or stopping), not for their entity
 * ids, so a scrape costs the same with a hundred conversations in memory as with a hundred
 * thousand.
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
    CompletionStage<Object> answer =
        Patterns.ask(
            ClusterSharding.get(system.classicSystem()).shardRegion(type.name()),
            ShardRegion.getRegionStatsInstance(),
            timeout);
    // Continued on a dispatcher: Pekko's stage would run its continuation on the JDK's pool.
    return Stages.on(system.executionContext(), answer)
        .handle(
            (stats, error) -> {
              if (error == null && stats instanceof ShardRegionStats region) {
                shards.set(region.getStats().size());
                entities.set(
                    region.getStats().values().stream()
                        .mapToLong(count -> ((Number) count).longValue())
                        .sum());
              }
              return null;
            });
  }

  public long shards() {
    return shards.get();
  }

  public long liveEntities() {
    return entities.get();
  }
}
