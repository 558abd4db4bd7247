package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.TestNode.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL stopped and started again under traffic. While it is down every message gets 503 with
 * {@code Retry-After} (never a hang, never a 500); turns that were running when it went down,
 * messages acknowledged before it and the messages refused during it (sent again, as a channel
 * would) all end in exactly one completed turn once it is back. Needs a server of its own to stop,
 * so it runs only with the embedded PostgreSQL.
 */
@Tag(TestTags.POSTGRES)
@ExtendWith(LogCapturingExtension.class)
class PostgresOutageTest {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(60);
  private static StoppablePostgres postgres;
  private static TestNode node;

  /** Opened by the test: until then the model holds every call. */
  private static final CompletableFuture<Void> gate = new CompletableFuture<>();

  /** Answers {@code "echo: <last user text>"}, but only once the test opens the gate. */
  private static final ScriptedModel model =
      ScriptedModel.answeringAfter(
          gate, request -> ScriptedModel.text("echo: " + ScriptedModel.lastUserText(request)));

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        TestPostgres.isEmbedded(), "stops its own embedded server; skipped on an external one");
    postgres = StoppablePostgres.start("parley-pg-outage-");
    Map<String, Object> overrides = postgres.nodeOverrides();
    overrides.put("parley.http.ask-timeout", ASK_TIMEOUT.toMillis() + "ms");
    node = TestNode.start(TestNode.freshDataDir(), overrides, TestNode.withModel(model));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (node != null) {
        node.stop();
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  private static String messages(String key) {
    return "/api/v1/conversations/" + key + "/messages";
  }

  private static Reply post(String key, String id) {
    return node.postJson(messages(key), "{\"id\":\"" + id + "\",\"text\":\"text of " + id + "\"}");
  }

  @Test
  void outageAnswers503AndNothingIsLostAfterTheDatabaseReturns() throws Exception {
    // Before: receipts stored, turns running (the model holds them), one message waiting.
    for (String[] message : new String[][] {{"a", "a-1"}, {"a", "a-2"}, {"b", "b-1"}}) {
      Reply accepted = post("user:api:" + message[0], message[1]);
      assertEquals(202, accepted.status(), accepted.raw());
      assertEquals("accepted", accepted.body().path("status").asText());
    }

    postgres.stop();
    long down = System.nanoTime();
    // The running turns end now, while their TurnCompleted cannot be written.
    gate.complete(null);

    // During: a new message to a live conversation and to a new one, and a read: 503s.
    List<String[]> refused = List.of(new String[] {"a", "a-3"}, new String[] {"c", "c-1"});
    for (String[] message : refused) {
      long asked = System.nanoTime();
      Reply reply = post("user:api:" + message[0], message[1]);
      assertUnavailable(reply);
      System.out.printf(
          "PostgresOutageTest: %s answered %d in %d ms during the outage%n",
          message[1], reply.status(), (System.nanoTime() - asked) / 1_000_000);
    }
    assertUnavailable(node.get("/api/v1/conversations/user:api:a"));

    postgres.startAgain();
    long up = System.nanoTime();
    System.out.printf("PostgresOutageTest: database down for %d ms%n", (up - down) / 1_000_000);

    // After: the refused messages are sent again until stored, as a channel retries.
    for (String[] message : refused) {
      node.awaitAssert(
          RECOVERY_TIMEOUT,
          () -> {
            Reply reply = post("user:api:" + message[0], message[1]);
            assertEquals(202, reply.status(), reply.raw());
            return reply;
          });
    }
    long stored = System.nanoTime();
    assertConversation("user:api:a", List.of("a-1", "a-2", "a-3"));
    assertConversation("user:api:b", List.of("b-1"));
    assertConversation("user:api:c", List.of("c-1"));
    System.out.printf(
        "PostgresOutageTest: after the database returned, refused messages stored in %d ms,"
            + " every turn completed in %d ms%n",
        (stored - up) / 1_000_000, (System.nanoTime() - up) / 1_000_000);
  }

  private static void assertUnavailable(Reply reply) {
    assertEquals(503, reply.status(), reply.raw());
    assertTrue(reply.body().path("error").isTextual(), reply.raw());
    assertEquals("1", reply.header("Retry-After"), "Retry-After of " + reply.raw());
  }

  /** Waits until the conversation is idle with exactly these messages, one completed turn each. */
  private static void assertConversation(String key, List<String> ids) {
    node.awaitAssert(
        RECOVERY_TIMEOUT,
        () -> {
          Reply reply = node.get("/api/v1/conversations/" + key);
          assertEquals(200, reply.status(), reply.raw());
          JsonNode view = reply.body();
          List<String> seen = new ArrayList<>();
          for (JsonNode turn : view.path("turns")) {
            String id = turn.path("messageIds").path(0).asText();
            seen.add(id);
            assertEquals(1, turn.path("messageIds").size(), turn.toString());
            assertEquals("echo: text of " + id, turn.path("reply").path("text").asText());
          }
          assertEquals(ids, seen, view.toString());
          assertEquals("idle", view.path("state").asText(), view.toString());
          assertEquals(0, view.path("inbox").asInt(-1), view.toString());
          return view;
        });
  }
}
