package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import dev.parley.TestNode.Reply;
import dev.parley.llm.ToolCall;
import dev.parley.tool.Tool;
import dev.parley.tool.ToolContext;
import dev.parley.tool.ToolRegistry;
import dev.parley.tool.ToolSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A turn cut off by a node stop is finished by the next node on the same data, without a new
 * message: TurnStarted is in the journal, remember-entities (event-sourced store, coordinator state
 * in the journal) starts the entity again, and recovery retries the turn. The message ends in
 * exactly one completed turn.
 */
@Tag(TestTags.SLOW)
@ExtendWith(LogCapturingExtension.class)
class NodeRestartTest {
  private static final String KEY = "user:api:restart-1";
  private static final String MESSAGE_ID = "r-1";
  private final List<TestNode> started = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    for (TestNode node : started) {
      if (!node.system().getWhenTerminated().toCompletableFuture().isDone()) {
        node.stop();
      }
    }
  }

  /** Asks for slow_tool on the user's message, answers "done" once the tool has answered. */
  private static ScriptedModel asksForSlowTool() {
    return ScriptedModel.answeringAtOnce(
        request ->
            "tool".equals(ScriptedModel.lastRole(request))
                ? ScriptedModel.text("done")
                : ScriptedModel.toolCalls(new ToolCall("call-1", SlowTool.NAME, "{}")));
  }

  /** Records every call; each call's result is whatever the test's supplier hands out. */
  private static final class SlowTool implements Tool {
    static final String NAME = "slow_tool";
    final List<String> calls = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> firstCall = new CompletableFuture<>();
    private final Supplier<CompletableFuture<String>> result;

    SlowTool(Supplier<CompletableFuture<String>> result) {
      this.result = result;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "a tool whose answer the test controls";
    }

    @Override
    public String parametersSchema() {
      return "{\"type\": \"object\"}";
    }

    @Override
    public CompletionStage<String> call(String argumentsJson, ToolContext context) {
      calls.add(context.idempotencyKey());
      firstCall.complete(context.idempotencyKey());
      return result.get();
    }
  }

  /** Where the journal lives: nothing means H2 in the data directory. */
  Map<String, Object> database() {
    return Map.of();
  }

  private TestNode startNode(Path dataDir, SlowTool tool) {
    Map<String, Object> overrides = new HashMap<>(database());
    // Long enough that the registry's timeout never ends the first node's call.
    overrides.put("parley.tool.call-timeout", "5m");
    TestNode node =
        TestNode.start(
            dataDir,
            overrides,
            (Config config) ->
                new Deps(
                    asksForSlowTool(),
                    new ToolRegistry(List.of(tool), ToolSettings.from(config)),
                    Clock.systemUTC()));
    started.add(node);
    return node;
  }

  @Test
  void turnCutOffByAStopCompletesOnTheNextNodeWithoutANewMessage() throws Exception {
    Path dataDir = TestNode.freshDataDir();
    SlowTool hanging = new SlowTool(CompletableFuture::new);
    TestNode first = startNode(dataDir, hanging);
    Reply accepted =
        first.postJson(
            "/api/v1/conversations/" + KEY + "/messages",
            "{\"id\":\"" + MESSAGE_ID + "\",\"text\":\"please use the slow tool\"}");
    assertEquals(202, accepted.status(), accepted.raw());
    String firstKey = hanging.firstCall.get(10, TimeUnit.SECONDS);
    assertEquals(KEY + "/1/1/0", firstKey, "turn 1, model round 1, first call");
    assertEquals(
        "running", first.get("/api/v1/conversations/" + KEY).body().path("state").asText());
    first.stop();

    SlowTool prompt = new SlowTool(() -> CompletableFuture.completedFuture("ok"));
    TestNode second = startNode(dataDir, prompt);
    // Nothing touches the conversation until the redo has reached the tool: only
    // remember-entities can have started the entity (a GET would start it too).
    try {
      // The redo's call carries the same idempotency key as the cut-off one.
      assertEquals(firstKey, prompt.firstCall.get(30, TimeUnit.SECONDS));
    } catch (TimeoutException e) {
      fail("the restarted node did not resume the turn by itself within 30 s (remember-entities)");
    }
    JsonNode view =
        second.awaitAssert(
            Duration.ofSeconds(30),
            () -> {
              JsonNode v = second.get("/api/v1/conversations/" + KEY).body();
              assertEquals(1, v.path("turns").size(), v.toString());
              assertEquals("idle", v.path("state").asText(), v.toString());
              return v;
            });

    JsonNode turn = view.path("turns").path(0);
    assertEquals(1, turn.path("turnId").asLong());
    assertEquals(List.of(MESSAGE_ID), ids(view));
    assertEquals(0, view.path("inbox").asInt(-1));
    assertEquals("done", turn.path("reply").path("text").asText());
    assertEquals("ok", turn.path("toolCalls").path(0).path("result").asText());
    // MessageAccepted, TurnStarted (attempt 1), TurnInterrupted (the stop handed the turn
    // off), TurnStarted (attempt 1 again: a hand-off is no crash), TurnCompleted: one receipt,
    // one redo, one end.
    assertEquals(5, journalRows(second));
    // The redo ran the tool again (at-least-once), with the same idempotency key.
    assertEquals(List.of(firstKey), hanging.calls);
    assertEquals(List.of(firstKey), prompt.calls);
  }

  private static int journalRows(TestNode node) throws Exception {
    try (Connection connection = node.openDatabase();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" = ?")) {
      statement.setString(1, "Conversation|" + KEY);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getInt(1);
      }
    }
  }

  private static List<String> ids(JsonNode view) {
    List<String> ids = new ArrayList<>();
    view.path("turns").forEach(t -> t.path("messageIds").forEach(id -> ids.add(id.asText())));
    assertEquals(ids.size(), new HashSet<>(ids).size(), "no message id in two turns: " + ids);
    return ids;
  }
}
