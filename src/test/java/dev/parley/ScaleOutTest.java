package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scale-out under traffic: two {@code scripts/run} nodes on one PostgreSQL serve ten conversations,
 * then a third node joins. Sharding's allocation strategy rebalances shards to it (gradually: one
 * per rebalance interval, 10 s), and the conversations keep answering throughout, also those whose
 * shards moved: at the end every acknowledged message is in exactly one completed turn, in the
 * order sent, answered with its own echo.
 */
@Tag(TestTags.MULTI_PROCESS)
@ExtendWith(LogCapturingExtension.class)
class ScaleOutTest {
  private static final int CONVERSATIONS = 10;
  private static final int WAIT_SECONDS = 20;
  private static final Duration DELIVER_TIMEOUT = Duration.ofSeconds(40);

  /** Messages each conversation has answered before the third node starts. */
  private static final int BEFORE_SCALE_OUT = 3;

  /** Answered messages each moved conversation needs on its new node before traffic stops. */
  private static final int AFTER_MOVE = 3;

  /**
   * The pause between two messages of one conversation: keeps the load moderate and each
   * conversation well below the 200 turns that one read of it returns (about 2 messages a second
   * for at most a minute).
   */
  private static final long PAUSE_MILLIS = 400;

  /**
   * Shards the new node must take over: the default (least-shard) allocation moves one per
   * rebalance interval (10 s) while the difference between regions exceeds one, so two shards show
   * the rebalancing goes on, round after round.
   */
  private static final int MOVED_SHARDS = 2;

  /** Up to four rebalance intervals (10 s each) for {@link #MOVED_SHARDS} after node-3 is ready. */
  private static final Duration REBALANCE_TIMEOUT = Duration.ofSeconds(45);

  private static final int SHARDS =
      ConfigFactory.load().getInt("pekko.cluster.sharding.number-of-shards");

  @RegisterExtension static final TestCluster cluster = TestCluster.answering("scaleout");

  @Test
  void shardsMoveToANewNodeAndConversationsKeepAnsweringInOrder() throws Exception {
    ExecutorService senders = Executors.newFixedThreadPool(CONVERSATIONS);
    CountDownLatch stop = new CountDownLatch(1);
    SentLog log = new SentLog();
    AtomicInteger retries = new AtomicInteger();
    AtomicInteger cutWaits = new AtomicInteger();
    Map<String, AtomicInteger> completed = new ConcurrentHashMap<>();
    try {
      long start = System.nanoTime();
      cluster.start(0);
      cluster.start(1);
      cluster.awaitReady(0, 2);
      cluster.awaitReady(1, 2);
      long formed = System.nanoTime();

      List<String> keys = new ArrayList<>();
      List<CompletableFuture<Void>> traffic = new ArrayList<>();
      for (int c = 0; c < CONVERSATIONS; c++) {
        String key = "user:api:scale-" + c;
        keys.add(key);
        completed.put(key, new AtomicInteger());
        traffic.add(
            CompletableFuture.runAsync(
                () -> sendUntilStopped(key, log, retries, cutWaits, completed.get(key), stop),
                senders));
      }
      awaitEach(keys, completed, BEFORE_SCALE_OUT, traffic);
      Set<String> shardsBefore = new TreeSet<>();
      shardsBefore.addAll(cluster.node(0).hostedShards(cluster.http()));
      shardsBefore.addAll(cluster.node(1).hostedShards(cluster.http()));

      long scaling = System.nanoTime();
      cluster.start(2);
      cluster.awaitReady(2);
      long joined = System.nanoTime();
      long[] firstShard = new long[1];
      Set<String> moved = awaitShardsOn(2, MOVED_SHARDS, firstShard, traffic);
      long rebalanced = System.nanoTime();

      List<String> movedKeys = keys.stream().filter(key -> moved.contains(shardOf(key))).toList();
      assertFalse(movedKeys.isEmpty(), "no conversation in the moved shards " + moved);
      Map<String, Integer> marks = new ConcurrentHashMap<>();
      movedKeys.forEach(key -> marks.put(key, completed.get(key).get()));
      for (String key : movedKeys) {
        awaitEach(List.of(key), completed, marks.get(key) + AFTER_MOVE, traffic);
      }
      long continued = System.nanoTime();
      stop.countDown();
      CompletableFuture.allOf(traffic.toArray(CompletableFuture[]::new))
          .get(DELIVER_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);

      Map<String, JsonNode> conversations = cluster.awaitSettled(log, Duration.ofSeconds(30));
      log.assertExactlyOnceInOrder(conversations);
      Set<String> hostedAfter = new TreeSet<>(cluster.node(2).hostedShards(cluster.http()));
      System.out.printf(
          "ScaleOutTest: 2 nodes ready in %d ms; node-3 ready %d ms after its start; its first"
              + " shard %d ms later, %d shards %d ms later (%s of %s), %d of %d"
              + " conversations moved with them and answered %d more each within %d ms; %d"
              + " messages acknowledged, %d waits cut by a move (202), %d retries after 503 or"
              + " connection errors; each in exactly one turn, in order; node-3 hosts %s at the"
              + " end%n",
          millis(formed - start),
          millis(joined - scaling),
          millis(firstShard[0] - joined),
          moved.size(),
          millis(rebalanced - joined),
          moved,
          shardsBefore,
          movedKeys.size(),
          CONVERSATIONS,
          AFTER_MOVE,
          millis(continued - rebalanced),
          log.size(),
          cutWaits.get(),
          retries.get(),
          hostedAfter);
    } catch (Throwable failure) {
      System.out.println(cluster.logs());
      throw failure;
    } finally {
      stop.countDown();
      senders.shutdownNow();
    }
  }

  /**
   * One conversation's traffic until told to stop: each message to a random node with {@code
   * ?wait}, the next only once it is acknowledged, so the order of sending is the order the
   * conversation must answer in. A wait cut short by the entity moving still acknowledges the
   * message (202); a completed one must carry its own echo.
   */
  private static void sendUntilStopped(
      String key,
      SentLog log,
      AtomicInteger retries,
      AtomicInteger cutWaits,
      AtomicInteger completed,
      CountDownLatch stop) {
    try {
      for (int m = 0; ; m++) {
        var sent = new SentLog.Sent(key, key + "-m" + m, "message " + m + " of " + key + ".");
        JsonNode answer = cluster.deliver(sent, WAIT_SECONDS, DELIVER_TIMEOUT, retries);
        log.acknowledged(sent);
        if (answer.has("outcome")) {
          assertEquals("completed", answer.path("outcome").asText(), sent.id() + ": " + answer);
          assertEquals(
              ModelServerDouble.ECHO_PREFIX + sent.text(),
              answer.path("reply").path("text").asText(),
              "reply to " + sent.id());
          completed.incrementAndGet();
        } else {
          cutWaits.incrementAndGet();
        }
        if (stop.await(PAUSE_MILLIS, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(key + " failed", e);
    }
  }

  /** Waits until each of {@code keys} has {@code count} completed answers; traffic must go on. */
  private static void awaitEach(
      List<String> keys,
      Map<String, AtomicInteger> completed,
      int count,
      List<CompletableFuture<Void>> traffic)
      throws Exception {
    long deadline = System.nanoTime() + DELIVER_TIMEOUT.toNanos();
    while (keys.stream().anyMatch(key -> completed.get(key).get() < count)) {
      failIfTrafficEnded(traffic);
      if (System.nanoTime() > deadline) {
        throw new AssertionError("answers short of " + count + ": " + completed);
      }
      cluster.randomServingNode().pause();
    }
  }

  /**
   * Polls node {@code i}'s {@code /cluster/shards/Conversation} until it hosts {@code count}
   * shards; returns them, and puts the time the first appeared into {@code firstAt[0]}.
   */
  private static Set<String> awaitShardsOn(
      int i, int count, long[] firstAt, List<CompletableFuture<Void>> traffic) throws Exception {
    long deadline = System.nanoTime() + REBALANCE_TIMEOUT.toNanos();
    while (true) {
      Set<String> hosted = cluster.node(i).hostedShards(cluster.http());
      if (!hosted.isEmpty() && firstAt[0] == 0) {
        firstAt[0] = System.nanoTime();
      }
      if (hosted.size() >= count) {
        return new TreeSet<>(hosted);
      }
      failIfTrafficEnded(traffic);
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            cluster.node(i).name()
                + " hosts "
                + hosted
                + ", not "
                + count
                + " shards, "
                + REBALANCE_TIMEOUT
                + " after it was ready");
      }
      cluster.node(i).pause();
    }
  }

  private static void failIfTrafficEnded(List<CompletableFuture<Void>> traffic) throws Exception {
    for (CompletableFuture<Void> conversation : traffic) {
      if (conversation.isDone()) {
        conversation.get();
        throw new AssertionError("a conversation's traffic ended early");
      }
    }
  }

  /** The shard of {@code key}: Pekko's HashCodeMessageExtractor, typed sharding's default. */
  private static String shardOf(String key) {
    return Integer.toString(Math.abs(key.hashCode() % SHARDS));
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
