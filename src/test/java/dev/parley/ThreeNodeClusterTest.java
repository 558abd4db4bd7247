package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * Three {@code scripts/run} nodes on one PostgreSQL form one cluster, and messages posted to random
 * nodes reach their conversation wherever sharding put it: many conversations at once, each one's
 * messages sent one after another, all answered, each conversation's turns in send order, none
 * twice.
 */
@Tag(TestTags.MULTI_PROCESS)
@ExtendWith(LogCapturingExtension.class)
class ThreeNodeClusterTest {
  private static final int CONVERSATIONS = 10;
  private static final int MESSAGES = 10;
  private static final int WAIT_SECONDS = 30;
  private static final Duration DELIVER_TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final TestCluster cluster = TestCluster.answering("threenode");

  @Test
  void messagesToRandomNodesAreAnsweredInOrderPerConversation() throws Exception {
    ExecutorService senders = Executors.newFixedThreadPool(CONVERSATIONS);
    try {
      long start = System.nanoTime();
      cluster.startAll();
      long formed = System.nanoTime();
      SentLog log = new SentLog();
      AtomicInteger retries = new AtomicInteger();
      List<CompletableFuture<Void>> conversations = new ArrayList<>();
      for (int c = 0; c < CONVERSATIONS; c++) {
        String key = "user:api:three-" + c;
        conversations.add(CompletableFuture.runAsync(() -> sendInTurn(key, log, retries), senders));
      }
      CompletableFuture.allOf(conversations.toArray(CompletableFuture[]::new))
          .get(CONVERSATIONS * MESSAGES * 10L, TimeUnit.SECONDS);
      long answered = System.nanoTime();

      Map<String, JsonNode> recorded = cluster.awaitSettled(log, Duration.ofSeconds(30));
      log.assertExactlyOnceInOrder(recorded);
      assertEquals(CONVERSATIONS * MESSAGES, log.size());
      System.out.printf(
          "ThreeNodeClusterTest: cluster of 3 ready in %d ms; %d messages over %d conversations"
              + " answered in %d ms (%d retries after 503 or connection errors)%n",
          TimeUnit.NANOSECONDS.toMillis(formed - start),
          log.size(),
          CONVERSATIONS,
          TimeUnit.NANOSECONDS.toMillis(answered - formed),
          retries.get());
    } catch (Throwable failure) {
      System.out.println(cluster.logs());
      throw failure;
    } finally {
      senders.shutdownNow();
    }
  }

  /** One conversation's messages, each to a random node, each answered before the next goes. */
  private static void sendInTurn(String key, SentLog log, AtomicInteger retries) {
    try {
      for (int m = 0; m < MESSAGES; m++) {
        var sent = new SentLog.Sent(key, key + "-m" + m, "message " + m + " of " + key + ".");
        JsonNode answer = cluster.deliver(sent, WAIT_SECONDS, DELIVER_TIMEOUT, retries);
        log.acknowledged(sent);
        assertEquals("completed", answer.path("outcome").asText(), sent.id() + ": " + answer);
        assertEquals(
            ModelServerDouble.ECHO_PREFIX + sent.text(),
            answer.path("reply").path("text").asText(),
            "reply to " + sent.id());
      }
    } catch (Exception e) {
      throw new IllegalStateException(key + " failed", e);
    }
  }
}
