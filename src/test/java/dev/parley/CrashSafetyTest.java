package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real node ({@code scripts/run}) is killed with {@code kill -9} right after a burst of
 * acknowledged messages whose turns the model holds, then started again on the same data: every
 * acknowledged message gets exactly one completed turn, with no new message sent to wake its
 * conversation. That is what remember-entities, the durable inbox and H2 with {@code WRITE_DELAY=0}
 * promise together.
 */
@Tag(TestTags.MULTI_PROCESS)
@ExtendWith(LogCapturingExtension.class)
class CrashSafetyTest {
  private static final int CONVERSATIONS = 10;
  private static final int MESSAGES = 200;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration BURST_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration RECORD_TIMEOUT = Duration.ofSeconds(20);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static ActorTestKit testKit;
  private static ModelServerDouble model;
  private static HttpClient http;
  private static Path workDir;
  private static final List<ParleyProcess> nodes = new ArrayList<>();

  /** One message of the burst: where it went, its id and its text. */
  private record Sent(String key, String id, String text) {}

  @BeforeAll
  static void setUp() throws IOException {
    // The double needs no cluster: a local provider keeps the test off the remoting port that
    // Parley's reference.conf sets (25520), where another test or a node may listen.
    testKit =
        ActorTestKit.create(
            "CrashSafetyTest",
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.load()));
    model = ModelServerDouble.echoing(testKit.system());
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            // 200 connects at once overflow the listen backlog: a dropped SYN is resent after 1 s,
            // 3 s.
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    workDir = Files.createTempDirectory("parley-crash-");
  }

  @AfterAll
  static void tearDown() throws Exception {
    try {
      for (ParleyProcess node : nodes) {
        if (node.isAlive()) {
          node.kill();
        }
      }
    } finally {
      if (model != null) {
        model.close();
      }
      if (testKit != null) {
        testKit.shutdownTestKit();
      }
      deleteRecursively(workDir);
    }
  }

  @Test
  void acknowledgedMessagesSurviveKillNineAndGetTheirTurnsAfterRestart() throws Exception {
    Path dataDir = Files.createDirectories(workDir.resolve("data"));
    int httpPort = FreePorts.pick();
    int remotingPort = FreePorts.pick();
    try {
      ParleyProcess first = startNode("node-1", dataDir, httpPort, remotingPort);
      first.awaitReady(http, READY_TIMEOUT);

      Map<String, Sent> acknowledged = burst(first);
      int heldAtKill = model.heldCount();
      first.kill();
      System.out.printf(
          "CrashSafetyTest: %d of %d acknowledged, %d model calls held at the kill%n",
          acknowledged.size(), MESSAGES, heldAtKill);
      assertFalse(acknowledged.isEmpty(), "no message was acknowledged before the kill");

      // Only now may turns complete: before the kill none could, so the restart has it all.
      model.answer();
      long restarted = System.nanoTime();
      ParleyProcess second = startNode("node-2", dataDir, httpPort, remotingPort);
      second.awaitReady(http, READY_TIMEOUT);
      long ready = System.nanoTime();

      // Not one request to the crashed conversations yet: a GET would start the entity and
      // hide a node that does not bring back its remembered entities by itself.
      awaitModelAnswered(second, acknowledged.values());
      long answered = System.nanoTime();
      Map<String, JsonNode> conversations = awaitRecorded(second, acknowledged);
      System.out.printf(
          "CrashSafetyTest: node-2 ready %d ms after start; every acknowledged message answered"
              + " %d ms after start, recorded %d ms after start%n",
          millis(ready - restarted),
          millis(answered - restarted),
          millis(System.nanoTime() - restarted));

      assertEachAcknowledgedMessageHasOneEchoedTurn(acknowledged, conversations);
    } catch (Throwable failure) {
      nodes.forEach(node -> System.out.println(node.logTail(200)));
      throw failure;
    } finally {
      for (ParleyProcess node : nodes) {
        if (node.isAlive()) {
          node.kill();
        }
      }
    }
  }

  /** Where the journal lives, as the node's environment: nothing means H2 in PARLEY_DATA_DIR. */
  Map<String, String> databaseEnvironment(int remotingPort) {
    return Map.of();
  }

  private ParleyProcess startNode(String name, Path dataDir, int httpPort, int remotingPort)
      throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("PARLEY_CLASSPATH", ParleyProcess.testClasspathWithoutTestClasses());
    env.put("PARLEY_DATA_DIR", dataDir.toString());
    env.put("PARLEY_HTTP_PORT", Integer.toString(httpPort));
    env.put("PARLEY_REMOTING_PORT", Integer.toString(remotingPort));
    env.put("PARLEY_MANAGEMENT_PORT", Integer.toString(FreePorts.pick()));
    env.putAll(model.processEnvironment());
    env.put("JAVA_OPTS", "-Xmx512m");
    env.putAll(databaseEnvironment(remotingPort));
    ParleyProcess node =
        ParleyProcess.start(
            name, Path.of("").toAbsolutePath(), workDir.resolve(name + ".log"), env);
    nodes.add(node);
    return node;
  }

  /**
   * Sends every message at once over {@link #CONVERSATIONS} conversations and returns those
   * answered 202 "accepted". A 503 (no receipt in time) is allowed: the sender would retry.
   */
  private Map<String, Sent> burst(ParleyProcess node) throws Exception {
    Map<String, Sent> acknowledged = new ConcurrentHashMap<>();
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> replies = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      Sent sent =
          new Sent(
              "user:api:crash-" + (i % CONVERSATIONS),
              "crash-msg-" + i,
              "message number " + i + ".");
      replies.add(
          node.postMessage(http, sent.key(), sent.id(), sent.text(), BURST_TIMEOUT)
              .thenAccept(
                  response -> {
                    statuses.merge(response.statusCode(), 1, Integer::sum);
                    if (response.statusCode() == 202 && isAccepted(response.body())) {
                      acknowledged.put(sent.id(), sent);
                    }
                  }));
    }
    CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
        .get(BURST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    System.out.println("CrashSafetyTest: burst answered with statuses " + new TreeMap<>(statuses));
    Set<Integer> unexpected = new HashSet<>(statuses.keySet());
    unexpected.removeAll(Set.of(202, 503));
    assertTrue(unexpected.isEmpty(), "statuses other than 202 and 503: " + statuses);
    return acknowledged;
  }

  private static boolean isAccepted(String body) {
    try {
      return MAPPER.readTree(body).path("status").asText().equals("accepted");
    } catch (IOException e) {
      throw new AssertionError("a 202 with a body that is not JSON: " + body, e);
    }
  }

  /** Waits, without touching any conversation, until the model has answered every message. */
  private void awaitModelAnswered(ParleyProcess node, Iterable<Sent> acknowledged)
      throws Exception {
    Set<String> texts = new HashSet<>();
    acknowledged.forEach(sent -> texts.add(sent.text()));
    long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
    while (!model.answeredUserTexts().containsAll(texts)) {
      if (System.nanoTime() > deadline) {
        fail(
            "after "
                + ANSWER_TIMEOUT
                + " the model had not been asked about every acknowledged message; "
                + diagnose(node, acknowledged));
      }
      node.pause();
    }
  }

  /**
   * Tells a conversation that was not restarted (its messages wait in the inbox once a read wakes
   * it) from one whose receipts were lost (they are not there at all).
   */
  private String diagnose(ParleyProcess node, Iterable<Sent> acknowledged) throws Exception {
    Set<String> answered = model.answeredUserTexts();
    Map<String, Integer> unanswered = new TreeMap<>();
    acknowledged.forEach(
        sent -> {
          if (!answered.contains(sent.text())) {
            unanswered.merge(sent.key(), 1, Integer::sum);
          }
        });
    StringBuilder report =
        new StringBuilder("unanswered messages per conversation, and what a read finds:");
    for (var entry : unanswered.entrySet()) {
      JsonNode conversation = node.readConversation(http, entry.getKey());
      report
          .append("\n  ")
          .append(entry.getKey())
          .append(": ")
          .append(entry.getValue())
          .append(" unanswered; now state ")
          .append(conversation.path("state").asText())
          .append(", inbox ")
          .append(conversation.path("inbox").asInt())
          .append(", turns ")
          .append(conversation.path("turns").size());
    }
    return report
        .append("\n(an inbox that holds them: not restarted; none: receipts lost)")
        .toString();
  }

  /** Polls each conversation until every acknowledged message is in a turn and nothing waits. */
  private Map<String, JsonNode> awaitRecorded(ParleyProcess node, Map<String, Sent> acknowledged)
      throws Exception {
    Set<String> keys =
        acknowledged.values().stream()
            .map(Sent::key)
            .collect(Collectors.toCollection(HashSet::new));
    long deadline = System.nanoTime() + RECORD_TIMEOUT.toNanos();
    while (true) {
      Map<String, JsonNode> conversations = new TreeMap<>();
      for (String key : keys) {
        conversations.put(key, node.readConversation(http, key));
      }
      Set<String> recorded = new HashSet<>();
      boolean settled = true;
      for (JsonNode conversation : conversations.values()) {
        conversation
            .path("turns")
            .forEach(turn -> turn.path("messageIds").forEach(id -> recorded.add(id.asText())));
        settled &=
            conversation.path("inbox").asInt() == 0
                && conversation.path("state").asText().equals("idle");
      }
      if (settled && recorded.containsAll(acknowledged.keySet())) {
        return conversations;
      }
      if (System.nanoTime() > deadline) {
        Set<String> missing = new HashSet<>(acknowledged.keySet());
        missing.removeAll(recorded);
        fail("acknowledged messages without a completed turn: " + missing + "\n" + conversations);
      }
      node.pause();
    }
  }

  private static void assertEachAcknowledgedMessageHasOneEchoedTurn(
      Map<String, Sent> acknowledged, Map<String, JsonNode> conversations) {
    Map<String, Integer> turnsPerId = new HashMap<>();
    for (var conversation : conversations.entrySet()) {
      for (JsonNode turn : conversation.getValue().path("turns")) {
        JsonNode user = turn.path("user");
        String reply = turn.path("reply").path("text").asText();
        for (JsonNode line : user) {
          String id = line.path("id").asText();
          turnsPerId.merge(id, 1, Integer::sum);
          assertTrue(id.startsWith("crash-msg-"), "a turn for a message never sent: " + turn);
          Sent sent = acknowledged.get(id);
          if (sent == null) {
            continue; // answered 503, yet its receipt was written: it may get a turn too
          }
          assertEquals(sent.key(), conversation.getKey(), "message " + id + " in the wrong place");
          assertEquals(sent.text(), line.path("text").asText(), "text of " + id);
          if (user.size() == 1) {
            assertEquals(ModelServerDouble.ECHO_PREFIX + sent.text(), reply, "reply to " + id);
          } else {
            assertTrue(reply.contains(sent.text()), "reply to " + id + ": " + reply);
          }
        }
      }
    }
    for (String id : acknowledged.keySet()) {
      assertEquals(1, turnsPerId.getOrDefault(id, 0), "completed turns holding " + id);
    }
    turnsPerId.forEach((id, count) -> assertEquals(1, count, "completed turns holding " + id));
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
