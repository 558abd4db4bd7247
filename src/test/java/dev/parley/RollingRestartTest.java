package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling restart under steady traffic: each of three nodes in turn is stopped with SIGTERM
 * (coordinated shutdown hands its shards off) and started again, and the next one goes only once it
 * is ready. Meanwhile one traffic thread posts messages to random nodes that take traffic, retrying
 * a 503 or a connection error with the same id, as a channel does. At the end every acknowledged
 * message is in exactly one completed turn, in the order it was sent, answered.
 */
@Tag(TestTags.MULTI_PROCESS)
@ExtendWith(LogCapturingExtension.class)
class RollingRestartTest {
  private static final int CONVERSATIONS = 6;

  /** Bounds on the traffic: messages, time, and the pause between two messages. */
  private static final int MAX_MESSAGES = 1000;

  private static final Duration MAX_TRAFFIC = Duration.ofSeconds(240);
  private static final long PAUSE_MILLIS = 50;
  private static final Duration DELIVER_TIMEOUT = Duration.ofSeconds(40);

  /** Messages acknowledged before the first stop, and between a restart and the next stop. */
  private static final int STEADY_MESSAGES = 15;

  @RegisterExtension static final TestCluster cluster = TestCluster.answering("rolling");

  @Test
  void rollingRestartUnderTrafficLosesNothingAndKeepsOrder() throws Exception {
    CountDownLatch stopTraffic = new CountDownLatch(1);
    SentLog log = new SentLog();
    AtomicInteger retries = new AtomicInteger();
    CompletableFuture<Void> traffic = null;
    try {
      cluster.startAll();
      traffic =
          CompletableFuture.runAsync(
              () -> sendTraffic(log, retries, stopTraffic), r -> new Thread(r, "traffic").start());
      awaitAcknowledged(log, traffic, STEADY_MESSAGES);
      List<String> steps = new ArrayList<>();
      for (int i = 0; i < TestCluster.SIZE; i++) {
        long stopping = System.nanoTime();
        // Traffic keeps reaching the node while it shuts down, until it has exited.
        int exitCode = cluster.stopWhileServing(i);
        long stopped = System.nanoTime();
        cluster.start(i);
        cluster.awaitReady(i);
        long ready = System.nanoTime();
        steps.add(
            String.format(
                "node-%d stopped in %d ms (exit %d), ready again %d ms later",
                i + 1, millis(stopped - stopping), exitCode, millis(ready - stopped)));
        awaitAcknowledged(log, traffic, log.size() + STEADY_MESSAGES);
      }
      stopTraffic.countDown();
      traffic.get(DELIVER_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);

      Map<String, JsonNode> conversations = cluster.awaitSettled(log, Duration.ofSeconds(60));
      log.assertExactlyOnceInOrder(conversations);
      assertTrue(log.size() >= (TestCluster.SIZE + 1) * STEADY_MESSAGES, "messages: " + log.size());
      System.out.printf(
          "RollingRestartTest: %s; %d messages acknowledged over %d conversations, %d retries"
              + " after 503 or connection errors; each in exactly one turn, in order%n",
          String.join("; ", steps), log.size(), CONVERSATIONS, retries.get());
    } catch (Throwable failure) {
      System.out.println(cluster.logs());
      throw failure;
    } finally {
      stopTraffic.countDown();
    }
  }

  /**
   * The traffic thread: message k goes to conversation k % CONVERSATIONS, each one only once the
   * one before is acknowledged, so each conversation's order is the order of sending. Stops when
   * told, or at {@link #MAX_MESSAGES} or {@link #MAX_TRAFFIC}.
   */
  private static void sendTraffic(SentLog log, AtomicInteger retries, CountDownLatch stop) {
    long deadline = System.nanoTime() + MAX_TRAFFIC.toNanos();
    try {
      for (int k = 0; k < MAX_MESSAGES && System.nanoTime() < deadline; k++) {
        String key = "user:api:rolling-" + (k % CONVERSATIONS);
        var sent = new SentLog.Sent(key, "rolling-" + k, "rolling message " + k + ".");
        JsonNode answer = cluster.deliver(sent, 0, DELIVER_TIMEOUT, retries);
        String status = answer.path("status").asText();
        // A duplicate is the retry of a message whose first answer was lost: stored once.
        assertTrue(status.equals("accepted") || status.equals("duplicate"), "answer " + answer);
        log.acknowledged(sent);
        if (stop.await(PAUSE_MILLIS, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("traffic failed", e);
    }
  }

  /** Waits until {@code count} messages are acknowledged; fails if the traffic thread ended. */
  private static void awaitAcknowledged(SentLog log, CompletableFuture<Void> traffic, int count)
      throws Exception {
    long deadline = System.nanoTime() + DELIVER_TIMEOUT.toNanos();
    while (log.size() < count) {
      if (traffic.isDone()) {
        traffic.get();
        throw new AssertionError("traffic ended after " + log.size() + " messages");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("traffic stalled at " + log.size() + " acknowledged messages");
      }
      cluster.randomServingNode().pause();
    }
    assertEquals(false, traffic.isCompletedExceptionally(), "traffic thread failed");
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
