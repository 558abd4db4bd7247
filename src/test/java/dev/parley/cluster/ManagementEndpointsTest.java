package dev.parley.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.TestNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The management port of a real node: {@code /alive} answers, {@code /ready} turns 200 once the
 * node is an Up member with sharding running, {@code /metrics} serves Prometheus text with Parley's
 * names and counts what happens, and {@code /ready} goes non-200 as soon as coordinated shutdown
 * starts, while the API listener still serves.
 */
@ExtendWith(LogCapturingExtension.class)
class ManagementEndpointsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  @Test
  void aliveAnswers200() {
    assertEquals(200, node.getManagement("/alive").status());
  }

  @Test
  void readyOnceUpAndShardingRuns() {
    node.awaitAssert(
        DEADLINE,
        () -> {
          TestNode.Reply ready = node.getManagement("/ready");
          assertEquals(200, ready.status(), ready.raw());
          return ready;
        });
  }

  @Test
  void readyBodyCarriesTheDetailWithoutDecidingTheStatus() {
    TestNode.Reply ready =
        node.awaitAssert(
            DEADLINE,
            () -> {
              TestNode.Reply reply = node.getManagement("/ready");
              assertEquals(200, reply.status(), reply.raw());
              assertEquals(
                  "application/json", reply.header("Content-Type").split(";")[0], reply.raw());
              assertEquals("ready", reply.body().path("status").asText(), reply.raw());
              assertTrue(
                  reply.body().path("detail").path("database").path("ok").asBoolean(), reply.raw());
              return reply;
            });
    var detail = ready.body().path("detail");
    assertTrue(detail.path("database").path("error").isNull(), ready.raw());
    assertTrue(detail.path("database").path("checkedAt").isTextual(), ready.raw());
    assertEquals(false, detail.path("telegram").path("configured").asBoolean(true), ready.raw());
    assertEquals(false, detail.path("whatsapp").path("configured").asBoolean(true), ready.raw());
    assertEquals("OK", node.getManagement("/alive").raw(), "/alive stays plain");
  }

  @Test
  void metricsServePrometheusTextWithParleysNames() throws Exception {
    HttpResponse<String> response = scrape(node);
    assertEquals(200, response.statusCode());
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    assertTrue(contentType.startsWith("text/plain"), contentType);
    assertTrue(contentType.contains("version=0.0.4"), contentType);
    String text = response.body();
    for (String name :
        List.of(
            "parley_webhooks_total",
            "parley_receipts_total",
            "parley_turns_total",
            "parley_turn_seconds",
            "parley_model_seconds",
            "parley_model_errors_total",
            "parley_model_tokens_total",
            "parley_tool_calls_total",
            "parley_tool_call_seconds",
            "parley_deliveries_total",
            "parley_delivery_retries_total",
            "parley_inbox_depth",
            "parley_live_entities",
            "parley_shards",
            "parley_jvm_heap_used_bytes",
            "parley_jvm_heap_max_bytes",
            "parley_jvm_threads",
            "parley_jvm_gc_collections_total",
            "parley_jvm_gc_seconds_total",
            "parley_jvm_uptime_seconds")) {
      assertTrue(text.contains("# TYPE " + name + " "), name + " missing in\n" + text);
    }
  }

  @Test
  void metricsAreAlsoServedOnTheApiPortToLoopbackWithoutAToken() {
    TestNode.Reply onApiPort = node.get("/metrics");
    assertEquals(200, onApiPort.status(), onApiPort.raw());
    assertTrue(onApiPort.header("Content-Type").contains("version=0.0.4"), onApiPort.raw());
    assertTrue(onApiPort.raw().contains("# TYPE parley_turns_total counter"), onApiPort.raw());
  }

  @Test
  void metricsCountAPostedMessageItsModelCallsToolCallAndEntity() throws Exception {
    String key = "user:api:metrics-" + System.nanoTime();
    long acceptedBefore =
        value(scrape(node).body(), "parley_webhooks_total", "channel=\"api\",outcome=\"accepted\"");
    long modelBefore = value(scrape(node).body(), "parley_model_seconds_count", "");
    long receiptsBefore =
        value(scrape(node).body(), "parley_receipts_total", "outcome=\"accepted\"");
    long turnsBefore = value(scrape(node).body(), "parley_turns_total", "outcome=\"completed\"");
    TestNode.Reply posted =
        node.postJson(
            "/api/v1/conversations/" + key + "/messages?wait=20",
            "{\"id\": \"m1\", \"text\": \"what time is it?\"}");
    assertEquals(200, posted.status(), posted.raw());
    assertEquals("completed", posted.body().path("outcome").asText(), posted.raw());
    TestNode.Reply duplicate =
        node.postJson(
            "/api/v1/conversations/" + key + "/messages", "{\"id\": \"m1\", \"text\": \"again\"}");
    assertEquals(202, duplicate.status(), duplicate.raw());
    node.postJson("/api/v1/conversations/" + key + "/messages", "{\"id\": \"m2\"}");

    String text = scrape(node).body();
    assertEquals(
        acceptedBefore + 1,
        value(text, "parley_webhooks_total", "channel=\"api\",outcome=\"accepted\""),
        text);
    assertTrue(value(text, "parley_webhooks_total", "channel=\"api\",outcome=\"duplicate\"") >= 1);
    assertTrue(value(text, "parley_webhooks_total", "channel=\"api\",outcome=\"invalid\"") >= 1);
    // The offline model asks for current_time, then answers: two model calls, one tool call.
    assertTrue(value(text, "parley_model_seconds_count", "") >= modelBefore + 2, text);
    assertTrue(
        value(
                text,
                "parley_tool_calls_total",
                "tool=\"current_time\",source=\"builtin\",outcome=\"ok\"")
            >= 1,
        text);
    // The entity reports its receipt, the duplicate and the completed, timed turn.
    assertEquals(
        receiptsBefore + 1, value(text, "parley_receipts_total", "outcome=\"accepted\""), text);
    assertTrue(value(text, "parley_receipts_total", "outcome=\"duplicate\"") >= 1, text);
    assertEquals(turnsBefore + 1, value(text, "parley_turns_total", "outcome=\"completed\""), text);
    assertTrue(value(text, "parley_turn_seconds_count", "") >= 1, text);
    // The conversation's entity is alive on this node, in one of its shards. Sharding's figures
    // are asked for at each scrape with a short timeout (the last ones are served when it does
    // not answer in time), so a later scrape may be the first to show them.
    node.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          String later = scrape(node).body();
          assertTrue(value(later, "parley_live_entities", "") >= 1, later);
          assertTrue(value(later, "parley_shards", "") >= 1, later);
          return null;
        });
  }

  /**
   * {@code parley_live_entities} counts the conversations in this node's shards (the region's
   * counts, not its entity ids): three new conversations show, and once they passivate the gauge is
   * back to zero.
   */
  @Test
  void liveEntitiesCountConversationsUntilTheyPassivate() {
    TestNode quick = TestNode.start(Map.of("parley.conversation.passivate-idle-after", "1s"));
    try {
      for (int i = 0; i < 3; i++) {
        TestNode.Reply posted =
            quick.postJson(
                "/api/v1/conversations/user:api:live-" + i + "/messages?wait=20",
                "{\"id\": \"m1\", \"text\": \"hello\"}");
        assertEquals(200, posted.status(), posted.raw());
      }
      quick.awaitAssert(
          DEADLINE,
          () -> {
            String text = scrape(quick).body();
            assertEquals(3, value(text, "parley_live_entities", ""), text);
            assertTrue(value(text, "parley_shards", "") >= 1, text);
            return null;
          });
      quick.awaitAssert(
          DEADLINE,
          () -> {
            String text = scrape(quick).body();
            assertEquals(0, value(text, "parley_live_entities", ""), text);
            return null;
          });
    } finally {
      quick.stop();
    }
  }

  @Test
  void readyGoesNon200WhenShutdownStartsWhileTheApiStillServes() throws Exception {
    // The first phase is held open by the test, so the window between "shutdown started" and
    // "API unbound" stays open while the test looks through it.
    TestNode leaving =
        TestNode.start(
            Map.of("pekko.coordinated-shutdown.phases.before-service-unbind.timeout", "60s"));
    CompletableFuture<Done> release = new CompletableFuture<>();
    try {
      leaving.awaitAssert(
          DEADLINE,
          () -> {
            assertEquals(200, leaving.getManagement("/ready").status());
            return null;
          });
      CompletableFuture<Done> phaseReached = new CompletableFuture<>();
      CoordinatedShutdown shutdown = CoordinatedShutdown.get(leaving.system());
      shutdown.addTask(
          CoordinatedShutdown.PhaseBeforeServiceUnbind(),
          "test-hold-before-unbind",
          () -> {
            phaseReached.complete(Done.getInstance());
            return release;
          });
      var terminated = shutdown.runAll(CoordinatedShutdown.unknownReason());
      phaseReached.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

      TestNode.Reply ready = leaving.getManagement("/ready");
      assertNotEquals(200, ready.status(), ready.raw());
      assertEquals(503, ready.status(), ready.raw());
      assertEquals("not-ready", ready.body().path("status").asText(), ready.raw());
      assertTrue(
          ready.body().path("reason").asText().contains("coordinated shutdown has started"),
          ready.raw());
      assertTrue(ready.body().path("detail").has("database"), ready.raw());
      TestNode.Reply api = leaving.get("/api/v1/conversations/user:api:still-serving");
      assertEquals(200, api.status(), "the API must still serve while readiness is false");

      release.complete(Done.getInstance());
      // Then the listener unbinds (service-unbind) and the node terminates.
      terminated.toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertApiRefusesConnections(leaving.port());
    } finally {
      release.complete(Done.getInstance());
      leaving.stop();
    }
  }

  private static void assertApiRefusesConnections(int port) throws InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    try {
      client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/x")).build(),
          HttpResponse.BodyHandlers.discarding());
      throw new AssertionError("the API still answered after shutdown");
    } catch (ConnectException expected) {
      // unbound
    } catch (IOException other) {
      // a closed connection also means nothing serves any more
    }
  }

  private static HttpResponse<String> scrape(TestNode node) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort() + "/metrics"))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The value of one sample, {@code labels} as written inside the braces ("" for none), in any
   * order: the exposition writes a series' labels sorted by name.
   */
  private static long value(String text, String name, String labels) {
    Set<String> wanted = labels.isEmpty() ? Set.of() : Set.of(labels.split(","));
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{([^}]*)\\})? ([0-9.eE+-]+)$")
            .matcher(text);
    while (m.find()) {
      Set<String> got = m.group(1) == null ? Set.of() : Set.of(m.group(1).split(","));
      if (got.equals(wanted)) {
        return (long) Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }
}
