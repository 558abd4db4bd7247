package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.parley.ScriptedModel;
import dev.parley.conversation.ConversationCommand.GetConversation;
import dev.parley.llm.ChatMessage;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ToolCall;
import dev.parley.tool.Tool;
import dev.parley.tool.ToolContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tool calls of one model round run side by side, up to {@code max-concurrent-tools}, and their
 * results reach the model and the stored turn in the order the model asked for them, even when they
 * finish in the opposite order.
 */
@ExtendWith(LogCapturingExtension.class)
class ConcurrentToolsTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  // The tool timeout must not end a held call while the test works through the others.
  private static final String BASE = "parley.tool.call-timeout = 60s\n";
  private static final Config FOUR =
      EntityFixture.config(BASE + "parley.conversation.max-concurrent-tools = 4\n");
  private static final Config TWO =
      EntityFixture.config(BASE + "parley.conversation.max-concurrent-tools = 2\n");
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(FOUR);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A tool whose calls are held until the test completes them; it counts calls running at once. */
  private static final class HeldTool implements Tool {
    record Started(int n, String idempotencyKey, CompletableFuture<String> result) {}

    final BlockingQueue<Started> started = new LinkedBlockingQueue<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();

    @Override
    public String name() {
      return "held";
    }

    @Override
    public String description() {
      return "answers when the test lets it";
    }

    @Override
    public String parametersSchema() {
      return "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\"}}}";
    }

    @Override
    public CompletionStage<String> call(String argumentsJson, ToolContext context) {
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      int n = Integer.parseInt(argumentsJson.replaceAll("\\D", ""));
      CompletableFuture<String> result = new CompletableFuture<>();
      started.add(new Started(n, context.idempotencyKey(), result));
      return result;
    }

    /** The next call to start, waiting for it at most {@link #WAIT}. */
    Started nextStart() throws InterruptedException {
      Started s = started.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (s == null) {
        throw new AssertionError("no tool call started within " + WAIT);
      }
      return s;
    }

    /** Ends a call: it stops counting as running before anything can start after it. */
    void finish(Started s) {
      running.decrementAndGet();
      s.result().complete("result " + s.n());
    }
  }

  private static TestConversation spawn(Config config, ScriptedModel model, HeldTool tool) {
    return TestConversation.spawn(testKit, EntityFixture.deps(config, model, tool));
  }

  private static Turn onlyTurn(TestConversation s) {
    TestProbe<ConversationView> probe = testKit.createTestProbe();
    s.ref().tell(new GetConversation(200, 0, probe.getRef()));
    List<Turn> turns = probe.receiveMessage(WAIT).turns();
    assertEquals(1, turns.size());
    return turns.get(0);
  }

  private static ChatResponse asksFor(int calls) {
    return new ChatResponse(
        null,
        IntStream.range(0, calls)
            .mapToObj(n -> new ToolCall("c" + n, "held", "{\"n\": " + n + "}"))
            .toList(),
        "tool_calls");
  }

  private static List<String> expectedResults(int calls) {
    return IntStream.range(0, calls).mapToObj(n -> "result " + n).toList();
  }

  /** The tool messages at the end of the model's next request, as "callId=result". */
  private static List<String> toolMessages(ScriptedModel.Call call, int calls) {
    List<ChatMessage> messages = call.request().messages();
    return messages.subList(messages.size() - calls, messages.size()).stream()
        .map(m -> m.toolCallId() + "=" + m.content())
        .toList();
  }

  private static List<String> expectedMessages(int calls) {
    return IntStream.range(0, calls).mapToObj(n -> "c" + n + "=result " + n).toList();
  }

  @Test
  void callsOfOneRoundOverlapAndTheirResultsKeepTheCallOrder() throws Exception {
    ScriptedModel model = ScriptedModel.holding();
    HeldTool tool = new HeldTool();
    TestConversation s = spawn(FOUR, model, tool);
    s.accept("m1", "look up three things");
    model.nextCall(WAIT).answer().complete(asksFor(3));
    // All three start while none has finished: they overlap.
    HeldTool.Started first = tool.nextStart();
    HeldTool.Started second = tool.nextStart();
    HeldTool.Started third = tool.nextStart();
    assertEquals(List.of(0, 1, 2), List.of(first.n(), second.n(), third.n()));
    assertEquals(3, tool.maxRunning.get());
    assertEquals(
        List.of(s.key() + "/1/1/0", s.key() + "/1/1/1", s.key() + "/1/1/2"),
        List.of(first.idempotencyKey(), second.idempotencyKey(), third.idempotencyKey()));
    // They finish last first; the model still gets the results in the order it asked.
    tool.finish(third);
    tool.finish(second);
    tool.finish(first);
    ScriptedModel.Call next = model.nextCall(WAIT);
    assertEquals(expectedMessages(3), toolMessages(next, 3));
    next.answer().complete(ScriptedModel.text("three things"));
    assertEquals("three things", s.outcome("m1").replyText());
    Turn turn = onlyTurn(s);
    assertEquals(
        List.of("c0", "c1", "c2"), turn.toolCalls().stream().map(ToolCallRecord::callId).toList());
    assertEquals(
        expectedResults(3), turn.toolCalls().stream().map(ToolCallRecord::result).toList());
  }

  @Test
  void noMoreCallsRunAtOnceThanTheBoundAllows() throws Exception {
    ScriptedModel model = ScriptedModel.holding();
    HeldTool tool = new HeldTool();
    TestConversation s = spawn(TWO, model, tool);
    s.accept("m1", "look up six things");
    model.nextCall(WAIT).answer().complete(asksFor(6));
    // Two run; each time the later of the two finishes first, the next call takes its place.
    HeldTool.Started older = tool.nextStart();
    HeldTool.Started newer = tool.nextStart();
    for (int n = 2; n < 6; n++) {
      assertTrue(tool.started.isEmpty(), "a third call started beside two running ones");
      tool.finish(newer);
      newer = tool.nextStart();
      assertEquals(n, newer.n());
    }
    tool.finish(newer);
    tool.finish(older);
    ScriptedModel.Call next = model.nextCall(WAIT);
    assertEquals(expectedMessages(6), toolMessages(next, 6));
    next.answer().complete(ScriptedModel.text("six things"));
    assertEquals("six things", s.outcome("m1").replyText());
    assertEquals(2, tool.maxRunning.get());
    assertEquals(
        expectedResults(6), onlyTurn(s).toolCalls().stream().map(ToolCallRecord::result).toList());
  }
}
