package dev.parley.tool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.llm.ToolCall;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What the registry tells its {@link ToolCallListener}: the tool's source, and a duration on a
 * monotonic clock from just before the tool is called to its result or timeout, for calls that ran
 * only.
 */
class ToolCallTimingTest {
  private static final ToolContext CONTEXT = new ToolContext("user:api:1", "k", Runnable::run);
  private static final ToolSettings SETTINGS = new ToolSettings(Duration.ofSeconds(5), 100);

  /** A built-in-like tool whose answer the test supplies at each call. */
  private record FakeTool(String name, Supplier<CompletionStage<String>> answer) implements Tool {
    @Override
    public String description() {
      return "a test tool";
    }

    @Override
    public String parametersSchema() {
      return "{\"type\": \"object\"}";
    }

    @Override
    public CompletionStage<String> call(String argumentsJson, ToolContext context) {
      return answer.get();
    }
  }

  /** What the listener heard of one call. */
  private record Heard(String tool, String source, String outcome, Optional<Duration> took) {}

  private static ToolRegistry observed(List<Tool> tools, ToolSettings settings, List<Heard> heard) {
    return new ToolRegistry(tools, settings)
        .observedBy(
            (tool, source, outcome, took) -> heard.add(new Heard(tool, source, outcome, took)));
  }

  private static String invoke(ToolRegistry registry, String name, String arguments)
      throws Exception {
    return registry
        .invoke(new ToolCall("call-1", name, arguments), CONTEXT)
        .toCompletableFuture()
        .get(5, SECONDS);
  }

  @Test
  void aCallIsTimedFromJustBeforeTheToolRunsToItsResult() throws Exception {
    var called = new CountDownLatch(1);
    var answer = new CompletableFuture<String>();
    var calledAt = new AtomicLong();
    List<Heard> heard = new CopyOnWriteArrayList<>();
    var registry =
        observed(
            List.of(
                new FakeTool(
                    "held",
                    () -> {
                      calledAt.set(System.nanoTime());
                      called.countDown();
                      return answer;
                    })),
            SETTINGS,
            heard);
    var result =
        registry.invoke(new ToolCall("call-1", "held", "{}"), CONTEXT).toCompletableFuture();
    assertTrue(called.await(5, SECONDS));
    assertTrue(heard.isEmpty(), "told before the tool answered: " + heard);
    long answeredAt = System.nanoTime();
    answer.complete("done");
    assertEquals("done", result.get(5, SECONDS));
    assertEquals(1, heard.size(), heard.toString());
    Heard call = heard.get(0);
    assertEquals(new Heard("held", "builtin", "ok", call.took()), call);
    // The registry's clock starts before the tool is called and stops after it answers.
    long atLeast = answeredAt - calledAt.get();
    assertTrue(atLeast > 0);
    assertTrue(call.took().orElseThrow().toNanos() >= atLeast, call + " vs " + atLeast + " ns");
  }

  @Test
  void aTimedOutCallTakesAtLeastItsTimeout() throws Exception {
    List<Heard> heard = new CopyOnWriteArrayList<>();
    var registry =
        observed(
            List.of(new FakeTool("never", CompletableFuture::new)),
            new ToolSettings(Duration.ofMillis(50), 100),
            heard);
    assertEquals("error: never timed out after 50 ms", invoke(registry, "never", "{}"));
    assertEquals(1, heard.size(), heard.toString());
    assertEquals("timeout", heard.get(0).outcome());
    assertTrue(
        heard.get(0).took().orElseThrow().compareTo(Duration.ofMillis(50)) >= 0, heard.toString());
  }

  @Test
  void aToolThatThrowsIsTimedAndARefusedCallIsNot() throws Exception {
    List<Heard> heard = new CopyOnWriteArrayList<>();
    var registry =
        observed(
            List.of(
                new FakeTool(
                    "throws",
                    () -> {
                      throw new IllegalStateException("bug");
                    }),
                new FakeTool("nothing", () -> null)),
            SETTINGS,
            heard);
    invoke(registry, "throws", "{}");
    invoke(registry, "nothing", "{}");
    invoke(registry, "nothing", "[1]");
    invoke(registry, "made-up-by-the-model", "{}");
    assertEquals(
        List.of(
            "throws/builtin=error true",
            "nothing/builtin=error true",
            "nothing/builtin=bad-arguments false",
            "unknown/unknown=unknown-tool false"),
        heard.stream()
            .map(h -> h.tool() + "/" + h.source() + "=" + h.outcome() + " " + h.took().isPresent())
            .toList());
  }

  @Test
  void aToolIsBuiltinUnlessItSaysOtherwiseFromAClosedSet() {
    assertEquals(ToolSource.BUILTIN, new FakeTool("t", CompletableFuture::new).source());
    assertEquals(ToolSource.BUILTIN, new CalculatorTool().source());
    assertEquals(
        List.of("builtin", "http", "plugin", "mcp"),
        Arrays.stream(ToolSource.values()).map(ToolSource::label).toList());
  }

  @Test
  void aToolWithoutASourceIsLabelledUnknown() throws Exception {
    List<Heard> heard = new CopyOnWriteArrayList<>();
    Tool noSource =
        new Tool() {
          @Override
          public String name() {
            return "nameless_source";
          }

          @Override
          public String description() {
            return "a tool that names no source";
          }

          @Override
          public String parametersSchema() {
            return "{\"type\": \"object\"}";
          }

          @Override
          public CompletionStage<String> call(String argumentsJson, ToolContext context) {
            return CompletableFuture.completedFuture("fine");
          }

          @Override
          public ToolSource source() {
            return null;
          }
        };
    assertEquals(
        "fine", invoke(observed(List.of(noSource), SETTINGS, heard), "nameless_source", "{}"));
    assertEquals("unknown", heard.get(0).source());
    assertFalse(heard.get(0).took().isEmpty());
  }
}
