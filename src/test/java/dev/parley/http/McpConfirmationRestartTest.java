package dev.parley.http;

import static dev.parley.http.TelegramWebhookFixture.conversation;
import static dev.parley.http.TelegramWebhookFixture.post;
import static dev.parley.http.TelegramWebhookFixture.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.ChildProcesses;
import dev.parley.DoublesKit;
import dev.parley.ModelServerDouble;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.TestTags;
import dev.parley.channel.telegram.TelegramBotApiDouble;
import dev.parley.llm.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An MCP tool behind a confirmation, as an operator configures it: a stdio server ({@code
 * CalcMcpServer}, its own JVM) under {@code parley.tool.mcp.servers.calc} and {@code
 * parley.tool.policy."calc__*".require-confirmation = true}. The model asks for {@code calc__add}
 * in a Telegram conversation, the question goes out with buttons, the node stops (its server with
 * it) and a new node starts on the same data (with a new server program); the press reaches the new
 * node, the tool runs on the new server once, and the reply goes out.
 */
@Tag(TestTags.MULTI_PROCESS)
@Tag(TestTags.SLOW)
@ExtendWith(LogCapturingExtension.class)
class McpConfirmationRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static ActorTestKit kit;
  private static TelegramBotApiDouble telegram;
  private static ModelServerDouble model;

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("McpConfirmationDoubles");
    telegram = TelegramBotApiDouble.start(kit.system(), TelegramWebhookFixture.TOKEN);
    model = ModelServerDouble.scripted(kit.system());
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, model, telegram);
  }

  /** The live programs of this test's MCP server (their command names {@code marker}). */
  private static List<ProcessHandle> servers(Path marker) {
    return ChildProcesses.naming(marker.toString());
  }

  /** Waits until /ready lists the server calc as up, and returns its one program. */
  private static ProcessHandle awaitServerUp(TestNode node, Path marker) {
    return node.awaitAssert(
        WAIT,
        () -> {
          Reply ready = node.getManagement("/ready");
          assertEquals(
              "up",
              ready.body().path("detail").path("mcpServers").path("calc").asText(),
              ready.raw());
          List<ProcessHandle> programs = servers(marker);
          assertEquals(1, programs.size(), programs.toString());
          return programs.get(0);
        });
  }

  @Test
  void thePressAfterARestartRunsTheMcpToolOnceAndTheReplyGoesOut() throws Exception {
    // The server starts only while this file exists: it always does, and its path in the
    // command tells this test's server programs from any other.
    Path marker = Files.createTempDirectory("parley-mcp-confirm").resolve("marker");
    Files.createFile(marker);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Map<String, Object> config = new HashMap<>(TelegramWebhookFixture.config(telegram.url()));
    config.put("parley.llm.provider", "openai");
    config.put("parley.llm.base-url", model.baseUrl());
    config.put(
        "parley.tool.mcp.servers.calc.command",
        List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "dev.parley.tool.mcp.CalcMcpServer",
            "--require",
            marker.toString()));
    config.put("parley.tool.mcp.servers.calc.timeout", "30s");
    config.put("parley.tool.mcp.reconnect-min", "200ms");
    config.put("parley.tool.mcp.reconnect-max", "1s");
    config.put("parley.tool.policy.\"calc__*\".require-confirmation", true);
    model
        .enqueueToolCalls(new ToolCall("call-1", "calc__add", "{\"a\":2,\"b\":3}"))
        .enqueueText("The sum is 5.0");

    long user = TelegramWebhookFixture.freshId();
    String key = "user:tg:" + user;
    Path data = TestNode.freshDataDir();
    JsonNode question;
    ProcessHandle firstServer;
    TestNode first = TestNode.start(data, config, null);
    try {
      firstServer = awaitServerUp(first, marker);
      assertEquals(200, post(first, update("private-text", user, "what is 2+3?")).status());
      question =
          first.awaitAssert(
              WAIT,
              () -> {
                var sent = telegram.sentTo(user);
                assertEquals(1, sent.size());
                return sent.get(0);
              });
      assertEquals("awaiting-confirmation", conversation(first, key).path("state").asText());
    } finally {
      first.stop();
    }
    assertTrue(question.path("text").asText().contains("calc__add"), question.toString());
    JsonNode buttons = question.path("reply_markup").path("inline_keyboard").path(0);
    assertEquals(2, buttons.size(), question.toString());
    String yes = buttons.path(0).path("callback_data").asText();
    // The stopped node's server program ends with it; the tool has not run.
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertFalse(firstServer.isAlive());
              return null;
            });
    assertEquals(1, model.requests().size());

    TestNode second = TestNode.start(data, config, null);
    try {
      ProcessHandle secondServer = awaitServerUp(second, marker);
      assertNotEquals(firstServer.pid(), secondServer.pid());
      assertEquals("awaiting-confirmation", conversation(second, key).path("state").asText());

      ObjectNode press = update("callback-query", user, null);
      ((ObjectNode) press.path("callback_query")).put("data", yes);
      assertEquals(200, post(second, press).status());

      JsonNode turn =
          second.awaitAssert(
              WAIT,
              () -> {
                JsonNode view = conversation(second, key);
                assertEquals("idle", view.path("state").asText(), view.toString());
                assertEquals(1, view.path("turns").size(), view.toString());
                JsonNode t = view.path("turns").path(0);
                assertEquals("delivered", t.path("reply").path("delivery").asText(), t.toString());
                return t;
              });
      assertEquals("The sum is 5.0", turn.path("reply").path("text").asText());
      assertEquals(1, turn.path("toolCalls").size(), turn.toString());
      assertEquals("calc__add", turn.path("toolCalls").path(0).path("name").asText());
      assertEquals("5.0", turn.path("toolCalls").path(0).path("result").asText());

      // The new server's answer is what the model was given, in the one request after the press.
      assertEquals(2, model.requests().size());
      JsonNode messages = model.requests().get(1).body().path("messages");
      JsonNode result = messages.get(messages.size() - 1);
      assertEquals("tool", result.path("role").asText(), messages.toString());
      assertEquals("5.0", result.path("content").asText(), messages.toString());
      List<String> texts = telegram.deliveredTexts(user);
      assertEquals(1, Collections.frequency(texts, "The sum is 5.0"), texts.toString());
      assertEquals("The sum is 5.0", texts.get(texts.size() - 1), texts.toString());
    } finally {
      second.stop();
    }
  }
}
