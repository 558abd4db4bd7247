package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node stopped the way Kubernetes stops a pod (SIGTERM, coordinated shutdown) while a model call
 * is in flight stops cleanly. Its shard region hands off at once: the conversation records its turn
 * as interrupted and stops, and asks nothing of the region it is leaving (a message to it then
 * would hold the last node's region until its shutdown phase timed out, 10 s). And it writes no
 * ERROR: the outbound HTTP connection pools close as a step of the shutdown, which pekko-http
 * otherwise reports, when a pool is still live at the actor system's end, as one that "has shut
 * down unexpectedly", with a stack trace. An operator must be able to alert on ERROR lines.
 */
@Tag(TestTags.MULTI_PROCESS)
class QuietShutdownTest {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static ActorTestKit kit;
  private static ModelServerDouble model;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("QuietShutdownDoubles");
    model = ModelServerDouble.echoing(kit.system());
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, model);
  }

  @Test
  void aNodeStoppedDuringAModelCallWritesNoError() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("PARLEY_CLASSPATH", ParleyProcess.testClasspathWithoutTestClasses());
    env.put("PARLEY_DATA_DIR", Files.createDirectories(dir.resolve("data")).toString());
    env.put("PARLEY_HTTP_PORT", Integer.toString(FreePorts.pick()));
    env.put("PARLEY_REMOTING_PORT", Integer.toString(FreePorts.pick()));
    env.putAll(model.processEnvironment());
    env.put("JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    Path log = dir.resolve("node.log");
    ParleyProcess node = ParleyProcess.start("quiet-node", Path.of("").toAbsolutePath(), log, env);
    try {
      HttpClient http = HttpClient.newHttpClient();
      node.awaitReady(http, START_TIMEOUT);
      int status =
          node.postMessage(http, "user:api:quiet", "m1", "hello", DEADLINE).get().statusCode();
      assertEquals(202, status);
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (model.heldCount() < 1) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the model call never arrived:\n" + node.logTail(40));
        }
        node.pause();
      }
    } finally {
      node.stop(Duration.ofSeconds(60));
    }
    List<String> errors =
        Files.readAllLines(log).stream()
            .filter(
                line ->
                    line.contains("ERROR")
                        || line.contains("shut down unexpectedly")
                        || line.contains("Graceful shutdown of shard region timed out"))
            .toList();
    assertEquals(List.of(), errors, () -> node.logTail(60));
  }
}
