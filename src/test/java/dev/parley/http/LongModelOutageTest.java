package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.DoublesKit;
import dev.parley.ModelServerDouble;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.TestTags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A model server that answers 503 for 45 s costs no turn, with the settings a user has by default
 * (outage-wait 2m, the breaker's 2s to 30s pauses): messages keep arriving in three conversations
 * throughout the outage, and once the server is back every one is answered, in order, and no turn
 * fails. Every other 503 carries a {@code Retry-After}. Posts fall due on the test's clock, counted
 * from the first 503; the test waits for each due time, it never sleeps a fixed time.
 */
@Tag(TestTags.SLOW)
@ExtendWith(LogCapturingExtension.class)
class LongModelOutageTest {
  private static final Duration OUTAGE = Duration.ofSeconds(45);
  private static final int CONVERSATIONS = 3;

  /** Each conversation gets a message this often; the conversations are staggered within it. */
  private static final Duration EVERY = Duration.ofSeconds(5);

  /**
   * After the server is back: a waiting call retries within the breaker's longest pause (30 s, as
   * the client caps its own backoff there too), then the turns run at once.
   */
  private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(75);

  private static ActorTestKit kit;
  private static ModelServerDouble model;
  private static TestNode node;

  /** One message to post: to which conversation, what, and when (System.nanoTime). */
  private record Post(String key, String id, String text, long dueNanos) {}

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("LongModelOutageDoubles");
    model = ModelServerDouble.echoing(kit.system());
    model.answer();
    // Only what points the node at the double: outage-wait, retries and breaker as defaulted.
    node = TestNode.startConfigured(model.nodeConfig());
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, node, model);
  }

  @Test
  void messagesArrivingThroughoutA45SecondOutageAreAllAnsweredInOrderAfterwards() {
    model.fail(503, "3");
    List<String> keys = new ArrayList<>();
    for (int c = 0; c < CONVERSATIONS; c++) {
      keys.add("user:api:long-outage-" + c);
    }
    post(new Post(keys.get(0), "c0-m0", "c0 message 0", System.nanoTime()));
    node.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          assertTrue(model.outageAnswerCount() >= 1, "no 503 yet");
          return null;
        });
    long firstOutageAnswer = System.nanoTime();
    long outageEnds = firstOutageAnswer + OUTAGE.toNanos();

    List<Post> posts = new ArrayList<>();
    List<List<String>> sent = new ArrayList<>();
    for (int c = 0; c < CONVERSATIONS; c++) {
      sent.add(new ArrayList<>());
    }
    sent.get(0).add("c0 message 0");
    long stagger = EVERY.toNanos() / CONVERSATIONS;
    for (int c = 0; c < CONVERSATIONS; c++) {
      for (int m = c == 0 ? 1 : 0; ; m++) {
        long due = firstOutageAnswer + c * stagger + m * EVERY.toNanos();
        if (due >= outageEnds) {
          break;
        }
        String text = "c" + c + " message " + m;
        posts.add(new Post(keys.get(c), "c" + c + "-m" + m, text, due));
        sent.get(c).add(text);
      }
    }
    posts.sort(Comparator.comparingLong(Post::dueNanos));
    for (Post p : posts) {
      waitUntil(p.dueNanos());
      post(p);
    }
    waitUntil(outageEnds);

    // The outage was felt (enough 503s to open the breaker, max-failures 5; it then lets one
    // call through after each pause), and nothing was answered or failed.
    assertTrue(model.outageAnswerCount() >= 5, "503s: " + model.outageAnswerCount());
    for (String key : keys) {
      JsonNode during = node.get("/api/v1/conversations/" + key).body();
      assertEquals(0, during.path("turns").size(), during.toString());
    }
    assertEquals(0.0, failedTurns(), "failed turns during the outage");

    model.recover();
    long recovered = System.nanoTime();
    for (int c = 0; c < CONVERSATIONS; c++) {
      String key = keys.get(c);
      List<String> expected =
          sent.get(c).stream().map(t -> ModelServerDouble.ECHO_PREFIX + t).toList();
      Duration left = ANSWERED_WITHIN.minus(Duration.ofNanos(System.nanoTime() - recovered));
      JsonNode after =
          node.awaitAssert(
              left.isNegative() ? Duration.ofMillis(1) : left,
              () -> {
                JsonNode view = node.get("/api/v1/conversations/" + key).body();
                assertEquals(expected.size(), view.path("turns").size(), view.toString());
                return view;
              });
      List<String> replies = new ArrayList<>();
      List<String> answeredIds = new ArrayList<>();
      for (JsonNode turn : after.path("turns")) {
        replies.add(turn.path("reply").path("text").asText());
        turn.path("messageIds").forEach(id -> answeredIds.add(id.asText()));
      }
      assertEquals(expected, replies, after.toString());
      List<String> ids = new ArrayList<>();
      for (int m = 0; m < expected.size(); m++) {
        ids.add("c" + c + "-m" + m);
      }
      assertEquals(ids, answeredIds, after.toString());
    }
    assertEquals(0.0, failedTurns(), "failed turns after the outage");
    int total = sent.stream().mapToInt(List::size).sum();
    assertTrue(total >= 25, "messages sent during the outage: " + total);
    assertEquals(
        (double) total, metric("parley_turns_total{outcome=\"completed\"}"), "completed turns");
  }

  private static void post(Post p) {
    Reply accepted =
        node.postJson(
            "/api/v1/conversations/" + p.key() + "/messages",
            "{\"id\":\"" + p.id() + "\",\"text\":\"" + p.text() + "\"}");
    assertEquals(202, accepted.status(), accepted.raw());
    assertEquals("accepted", accepted.body().path("status").asText(), accepted.raw());
  }

  /** Returns once System.nanoTime() has reached {@code dueNanos}, polling every 100 ms. */
  private static void waitUntil(long dueNanos) {
    Duration left = Duration.ofNanos(Math.max(0, dueNanos - System.nanoTime()));
    node.awaitAssert(
        left.plusSeconds(5),
        () -> {
          assertTrue(System.nanoTime() >= dueNanos, "not due yet");
          return null;
        });
  }

  private static double failedTurns() {
    return metric("parley_turns_total{outcome=\"failed\"}");
  }

  /** The value of one sample in the node's /metrics (Prometheus text format). */
  private static double metric(String sample) {
    String text = node.getManagement("/metrics").raw();
    for (String line : text.split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).trim());
      }
    }
    throw new AssertionError("no sample " + sample + " in\n" + text);
  }
}
