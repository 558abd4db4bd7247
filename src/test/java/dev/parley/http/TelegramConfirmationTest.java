package dev.parley.http;

import static dev.parley.http.TelegramWebhookFixture.conversation;
import static dev.parley.http.TelegramWebhookFixture.post;
import static dev.parley.http.TelegramWebhookFixture.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.Deps;
import dev.parley.DoublesKit;
import dev.parley.ScriptedModel;
import dev.parley.TestNode;
import dev.parley.channel.telegram.TelegramBotApiDouble;
import dev.parley.llm.ChatMessage;
import dev.parley.llm.ToolCall;
import dev.parley.tool.ToolRegistry;
import dev.parley.tool.ToolSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tool that needs confirmation, through Telegram: the question arrives with inline yes/no buttons
 * whose callback data fits 64 bytes; the press is answered at once and lets the tool run.
 */
class TelegramConfirmationTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static ActorTestKit kit;
  private static TelegramBotApiDouble telegram;
  private static TestNode node;

  /** Asks for the calculator, then states what it returned. */
  static ScriptedModel asksCalculator() {
    return ScriptedModel.answeringAtOnce(
        request -> {
          ChatMessage last = request.messages().get(request.messages().size() - 1);
          return last.role().equals("tool")
              ? ScriptedModel.text("The answer is " + last.content())
              : ScriptedModel.toolCalls(
                  new ToolCall("call-1", "calculator", "{\"expression\":\"6*7\"}"));
        });
  }

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("TelegramDouble");
    telegram = TelegramBotApiDouble.start(kit.system(), TelegramWebhookFixture.TOKEN);
    Map<String, Object> config = new HashMap<>(TelegramWebhookFixture.config(telegram.url()));
    config.put("parley.tool.require-confirmation", List.of("calculator"));
    node =
        TestNode.start(
            TestNode.freshDataDir(),
            config,
            c ->
                new Deps(
                    asksCalculator(),
                    ToolRegistry.builtIn(ToolSettings.from(c), Clock.systemUTC()),
                    Clock.systemUTC()));
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, node, telegram);
  }

  @Test
  void theQuestionCarriesButtonsAndThePressLetsTheToolRun() {
    long user = TelegramWebhookFixture.freshId();
    assertEquals(200, post(node, update("private-text", user, "what is 6*7?")).status());
    JsonNode question =
        node.awaitAssert(
            DEADLINE,
            () -> {
              var sent = telegram.sentTo(user);
              assertEquals(1, sent.size());
              return sent.get(0);
            });
    assertTrue(question.path("text").asText().contains("calculator"), question.toString());
    JsonNode buttons = question.path("reply_markup").path("inline_keyboard").path(0);
    assertEquals(2, buttons.size(), question.toString());
    String yes = buttons.path(0).path("callback_data").asText();
    assertTrue(yes.getBytes().length <= 64, yes);
    assertEquals(
        "awaiting-confirmation", conversation(node, "user:tg:" + user).path("state").asText());

    ObjectNode press = update("callback-query", user, null);
    ((ObjectNode) press.path("callback_query")).put("data", yes);
    ((ObjectNode) press.path("callback_query").path("from")).put("id", user);
    assertEquals(200, post(node, press).status());
    String pressId = press.path("callback_query").path("id").asText();
    // Answered at once, but not awaited by the webhook: it may land just after the 200.
    node.awaitAssert(
        DEADLINE,
        () -> {
          assertTrue(
              telegram.calls("answerCallbackQuery").stream()
                  .anyMatch(c -> c.body().path("callback_query_id").asText().equals(pressId)));
          return null;
        });

    JsonNode turn =
        node.awaitAssert(
            DEADLINE,
            () -> {
              JsonNode view = conversation(node, "user:tg:" + user);
              assertEquals("idle", view.path("state").asText(), view.toString());
              assertEquals(1, view.path("turns").size(), view.toString());
              return view.path("turns").path(0);
            });
    assertEquals("The answer is 42", turn.path("reply").path("text").asText());
    assertEquals("42", turn.path("toolCalls").path(0).path("result").asText());
  }
}
