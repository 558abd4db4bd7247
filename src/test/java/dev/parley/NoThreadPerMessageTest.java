package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.TestNode.Reply;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Messages must not start threads. On a machine with 2 cores (and in any pod with 2 CPUs) the JDK's
 * common pool has parallelism 1, and {@code CompletableFuture} then runs every default-async
 * continuation on a new thread; the stages Pekko's Java API returns continue asynchronously, so
 * every such continuation cost a thread start (~2.8 per message, a third of the CPU). The suite
 * runs with the common pool's parallelism at 1 (see the pom), as on such a machine, whatever this
 * machine has.
 */
@ExtendWith(LogCapturingExtension.class)
class NoThreadPerMessageTest {
  private static final int WARM_UP = 100;
  private static final int MEASURED = 300;
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.stop();
    }
  }

  @Test
  void theCommonPoolIsAsSmallAsOnTwoCores() {
    assertEquals(1, ForkJoinPool.getCommonPoolParallelism(), "surefire's argLine sets it");
  }

  @Test
  void chatApiMessagesAnsweredToTheEndStartNoThreads() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    post("warm", WARM_UP);
    long before = threads.getTotalStartedThreadCount();
    post("measured", MEASURED);
    long started = threads.getTotalStartedThreadCount() - before;
    // A few may start for reasons of their own (the JIT's compiler threads, a pool growing);
    // one per message or more is the defect.
    assertTrue(started < MEASURED / 10, started + " threads started for " + MEASURED + " messages");
  }

  @Test
  void turnsThroughTheOpenAiClientStartNoThreads() {
    ModelServerDouble model = ModelServerDouble.echoing(node.system());
    model.answer();
    try (TestNode openAi =
        TestNode.startConfigured(
            Map.of("parley.llm.provider", "openai", "parley.llm.base-url", model.baseUrl()))) {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      post(openAi, "warm-model", WARM_UP);
      long before = threads.getTotalStartedThreadCount();
      post(openAi, "measured-model", MEASURED);
      long started = threads.getTotalStartedThreadCount() - before;
      assertTrue(started < MEASURED / 10, started + " threads started for " + MEASURED + " turns");
    } finally {
      model.close();
    }
  }

  @Test
  void probesStartNoThreads() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    probe(WARM_UP);
    long before = threads.getTotalStartedThreadCount();
    probe(MEASURED);
    long started = threads.getTotalStartedThreadCount() - before;
    assertTrue(started < MEASURED / 10, started + " threads started for " + MEASURED + " probes");
  }

  private static void probe(int count) {
    for (int i = 0; i < count; i++) {
      assertEquals(200, node.getManagement("/alive").status());
      assertEquals(200, node.getManagement("/ready").status());
    }
  }

  private static void post(String prefix, int count) {
    post(node, prefix, count);
  }

  private static void post(TestNode node, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      String key = "user:api:" + prefix + "-" + (i % 20);
      Reply reply =
          node.postJson(
              "/api/v1/conversations/" + key + "/messages?wait=10",
              "{\"id\":\"" + prefix + "-" + i + "\",\"text\":\"hi " + i + "\"}");
      assertEquals(200, reply.status(), reply.raw());
      if (i % 10 == 0) {
        assertEquals(200, node.get("/api/v1/conversations/" + key).status());
      }
    }
  }
}
