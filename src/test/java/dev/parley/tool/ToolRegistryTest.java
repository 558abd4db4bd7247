package dev.parley.tool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.parley.llm.ToolCall;
import dev.parley.llm.ToolSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ToolRegistryTest {
  private static final ToolContext CONTEXT = new ToolContext("user:api:1", "k", Runnable::run);
  private static final ToolSettings SETTINGS = new ToolSettings(Duration.ofSeconds(5), 100);
  private static final String SCHEMA = "{\"type\": \"object\"}";

  /** A tool whose answer the test scripts; the argument text goes to {@code answer}. */
  private record FakeTool(
      String name, String parametersSchema, Function<String, CompletionStage<String>> answer)
      implements Tool {
    FakeTool(String name, Function<String, CompletionStage<String>> answer) {
      this(name, SCHEMA, answer);
    }

    @Override
    public String description() {
      return "a test tool";
    }

    @Override
    public CompletionStage<String> call(String argumentsJson, ToolContext context) {
      return answer.apply(argumentsJson);
    }
  }

  private static FakeTool answering(String name, String result) {
    return new FakeTool(name, args -> CompletableFuture.completedFuture(result));
  }

  private static String invoke(ToolRegistry registry, String name, String arguments)
      throws Exception {
    return registry
        .invoke(new ToolCall("call-1", name, arguments), CONTEXT)
        .toCompletableFuture()
        .get(5, SECONDS);
  }

  @Test
  void changingToolsAreOfferedAsTheirSupplierHasThemNowAndCheckedLikeTheOthers() throws Exception {
    var changing = new java.util.concurrent.atomic.AtomicReference<List<Tool>>(List.of());
    var registry =
        new ToolRegistry(List.of(answering("a", "x")), SETTINGS, changing::get)
            .observedBy(ToolCallListener.NONE);
    assertEquals(List.of("a"), registry.specs().stream().map(s -> s.name()).toList());
    String numbers = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"number\"}}}";
    changing.set(
        List.of(
            new FakeTool("s__n", numbers, args -> CompletableFuture.completedFuture("n")),
            answering("a", "clash"),
            answering("bad name", "z")));
    // The clash and the bad name are left out; the fixed tool keeps its name.
    assertEquals(List.of("a", "s__n"), registry.specs().stream().map(s -> s.name()).toList());
    assertEquals("x", invoke(registry, "a", "{}"));
    assertEquals("n", invoke(registry, "s__n", "{\"n\":1}"));
    assertTrue(invoke(registry, "s__n", "{\"n\":\"one\"}").startsWith("error: invalid arguments"));
    changing.set(List.of());
    assertTrue(invoke(registry, "s__n", "{}").startsWith("error: unknown tool"));
  }

  @Test
  void runsTheNamedToolWithItsArguments() throws Exception {
    var registry =
        new ToolRegistry(
            List.of(new FakeTool("echo", CompletableFuture::completedFuture)), SETTINGS);
    assertEquals("{\"a\": 1}", invoke(registry, "echo", "{\"a\": 1}"));
  }

  @Test
  void unknownToolListsTheAvailableOnes() throws Exception {
    var registry = new ToolRegistry(List.of(answering("a", "x"), answering("b", "y")), SETTINGS);
    assertEquals("error: unknown tool \"x\"; available: a, b", invoke(registry, "x", "{}"));
  }

  @Test
  void argumentsThatAreNotAnObjectAreRefusedBeforeTheToolRuns() throws Exception {
    var called = new CompletableFuture<String>();
    var registry =
        new ToolRegistry(
            List.of(
                new FakeTool(
                    "t",
                    args -> {
                      called.complete(args);
                      return called;
                    })),
            SETTINGS);
    for (String arguments : List.of("[1]", "\"text\"", "42", "{\"a\": ", "{} {}", "null")) {
      assertEquals(
          "error: arguments must be a JSON object", invoke(registry, "t", arguments), arguments);
    }
    assertFalse(called.isDone());
  }

  private static final String PERSON =
      """
      {"type": "object",
       "properties": {
         "name": {"type": "string", "minLength": 1},
         "age": {"type": "integer", "minimum": 0}},
       "required": ["name"],
       "additionalProperties": false}
      """;

  @Test
  void argumentsOutsideTheSchemaAreRefusedWithFieldAndReason() throws Exception {
    var called = new CompletableFuture<String>();
    var registry =
        new ToolRegistry(
            List.of(
                new FakeTool(
                    "person",
                    PERSON,
                    args -> {
                      called.complete(args);
                      return called;
                    })),
            new ToolSettings(Duration.ofSeconds(5), 1_000));
    String wrongType = invoke(registry, "person", "{\"name\": \"Ada\", \"age\": \"old\"}");
    assertTrue(wrongType.startsWith("error: invalid arguments: "), wrongType);
    assertEquals("error: invalid arguments: age: string found, integer expected", wrongType);
    String missing = invoke(registry, "person", "{}");
    assertEquals("error: invalid arguments: required property 'name' not found", missing);
    String extra = invoke(registry, "person", "{\"name\": \"Ada\", \"admin\": true}");
    assertTrue(extra.contains("admin"), extra);
    assertFalse(called.isDone(), "the tool must not run on refused arguments");
    assertEquals(
        "{\"name\": \"Ada\", \"age\": 36}",
        invoke(registry, "person", "{\"name\": \"Ada\", \"age\": 36}"));
  }

  @Test
  void manyViolationsAreReportedAsTheFirstFewAndACount() throws Exception {
    String schema =
        "{\"type\": \"object\", \"properties\": {"
            + "\"a\": {\"type\": \"string\"}, \"b\": {\"type\": \"string\"},"
            + "\"c\": {\"type\": \"string\"}, \"d\": {\"type\": \"string\"},"
            + "\"e\": {\"type\": \"string\"}}}";
    var registry =
        new ToolRegistry(
            List.of(new FakeTool("t", schema, CompletableFuture::completedFuture)),
            new ToolSettings(Duration.ofSeconds(5), 1_000));
    String result = invoke(registry, "t", "{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4, \"e\": 5}");
    assertTrue(result.startsWith("error: invalid arguments: "), result);
    assertTrue(result.endsWith("; and 2 more"), result);
    assertEquals(ArgumentSchema.MAX_REASONS + 1, result.split("; ").length, result);
  }

  @Test
  void aSchemaIsNeverFetchedFromTheNetwork() {
    // A $ref to an address the validator would have to download is refused at start-up.
    Tool remote =
        new FakeTool(
            "remote",
            "{\"$ref\": \"http://127.0.0.1:9/schema.json\"}",
            CompletableFuture::completedFuture);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> new ToolRegistry(List.of(remote), SETTINGS));
    assertTrue(e.getMessage().startsWith("tool \"remote\": "), e.getMessage());
  }

  @Test
  void blankArgumentsCountAsAnEmptyObject() throws Exception {
    var registry = new ToolRegistry(List.of(answering("t", "ok")), SETTINGS);
    assertEquals("ok", invoke(registry, "t", ""));
    assertEquals("ok", invoke(registry, "t", null));
  }

  @Test
  void toolThatThrowsBecomesAnErrorResult() throws Exception {
    var registry =
        new ToolRegistry(
            List.of(
                new FakeTool(
                    "boom",
                    args -> {
                      throw new IllegalStateException("bad state");
                    })),
            SETTINGS);
    assertEquals("error: boom failed: bad state", invoke(registry, "boom", "{}"));
  }

  @Test
  void failedStageBecomesAnErrorResultWithTheMessageCut() throws Exception {
    String longMessage = "x".repeat(1000);
    var registry =
        new ToolRegistry(
            List.of(
                new FakeTool(
                    "fails",
                    args -> CompletableFuture.failedFuture(new RuntimeException(longMessage)))),
            new ToolSettings(Duration.ofSeconds(5), 4000));
    String result = invoke(registry, "fails", "{}");
    assertEquals("error: fails failed: " + "x".repeat(299) + "…", result);
  }

  @Test
  void theCutOfAFailureMessageNeverSplitsAnEmoji() throws Exception {
    String message = "x".repeat(298) + "\uD83D\uDE00" + "y".repeat(10);
    var registry =
        new ToolRegistry(
            List.of(
                new FakeTool(
                    "fails",
                    args -> CompletableFuture.failedFuture(new RuntimeException(message)))),
            new ToolSettings(Duration.ofSeconds(5), 4000));
    String result = invoke(registry, "fails", "{}");
    assertEquals("error: fails failed: " + "x".repeat(298) + "…", result);
  }

  @Test
  void failureWithoutMessageNamesTheExceptionType() throws Exception {
    var registry =
        new ToolRegistry(
            List.of(
                new FakeTool(
                    "fails",
                    args ->
                        CompletableFuture.supplyAsync(
                            () -> {
                              throw new UnsupportedOperationException();
                            },
                            Runnable::run))),
            SETTINGS);
    assertEquals(
        "error: fails failed: UnsupportedOperationException", invoke(registry, "fails", "{}"));
  }

  @Test
  void slowToolTimesOutAndItsOwnFutureIsLeftAlone() throws Exception {
    var never = new CompletableFuture<String>();
    var registry =
        new ToolRegistry(
            List.of(new FakeTool("slow", args -> never)),
            new ToolSettings(Duration.ofMillis(50), 100));
    assertEquals("error: slow timed out after 50 ms", invoke(registry, "slow", "{}"));
    assertFalse(never.isDone());
  }

  @Test
  void longResultIsCutAndSaysSo() throws Exception {
    String text = "y".repeat(250);
    var registry = new ToolRegistry(List.of(answering("big", text)), SETTINGS);
    String result = invoke(registry, "big", "{}");
    String note = "… [cut: 100 of 250 characters]";
    assertEquals("y".repeat(100) + note, result);
    assertTrue(result.length() <= SETTINGS.maxResultChars() + note.length());
  }

  @Test
  void resultWithinTheBudgetIsUntouched() throws Exception {
    String text = "z".repeat(100);
    var registry = new ToolRegistry(List.of(answering("fits", text)), SETTINGS);
    assertEquals(text, invoke(registry, "fits", "{}"));
  }

  @Test
  void cutNeverSplitsASurrogatePair() throws Exception {
    String text = "a".repeat(99) + "😀" + "b".repeat(50);
    var registry = new ToolRegistry(List.of(answering("emoji", text)), SETTINGS);
    assertEquals("a".repeat(99) + "… [cut: 99 of 151 characters]", invoke(registry, "emoji", "{}"));
  }

  @Test
  void duplicateNamesAreRefused() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ToolRegistry(
                    List.of(answering("same", "1"), answering("same", "2")), SETTINGS));
    assertTrue(e.getMessage().startsWith("two tools are named \"same\""), e.getMessage());
  }

  @Test
  void invalidNamesAndSchemasAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ToolRegistry(List.of(answering("has space", "1")), SETTINGS));
    Tool badSchema = new FakeTool("t", "[]", args -> null);
    assertThrows(
        IllegalArgumentException.class, () -> new ToolRegistry(List.of(badSchema), SETTINGS));
  }

  @Test
  void specsKeepRegistrationOrder() {
    var registry =
        new ToolRegistry(
            List.of(answering("zeta", "1"), answering("alpha", "2"), answering("mid", "3")),
            SETTINGS);
    assertEquals(
        List.of("zeta", "alpha", "mid"), registry.specs().stream().map(ToolSpec::name).toList());
    assertEquals(new ToolSpec("zeta", "a test tool", SCHEMA), registry.specs().get(0));
  }

  @Test
  void builtInRegistryOffersTimeAndCalculator() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-11-27T07:15:00Z"), ZoneOffset.UTC);
    var registry = ToolRegistry.builtIn(SETTINGS, clock);
    assertEquals(
        List.of("current_time", "calculator", "remember", "recall", "forget", "clear_history"),
        registry.specs().stream().map(ToolSpec::name).toList());
    assertEquals("2026-11-27T07:15:00Z[UTC]", invoke(registry, "current_time", "{}"));
    assertEquals("7", invoke(registry, "calculator", "{\"expression\": \"1 + 2 * 3\"}"));
    assertEquals(
        "error: calculator failed: division by zero at position 3",
        invoke(registry, "calculator", "{\"expression\": \"1 / 0\"}"));
    assertEquals(
        "error: current_time failed: unknown time zone \"Mars/Base\"",
        invoke(registry, "current_time", "{\"timezone\": \"Mars/Base\"}"));
  }

  @Test
  void listenerHearsHowEachCallEndedWithoutModelChosenNames() throws Exception {
    List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    var registry =
        new ToolRegistry(
                List.of(
                    answering("ok", "fine"),
                    new FakeTool(
                        "fails",
                        args -> CompletableFuture.failedFuture(new IllegalStateException("no"))),
                    new FakeTool(
                        "slow",
                        args ->
                            new CompletableFuture<String>().completeOnTimeout("late", 2, SECONDS)),
                    new FakeTool(
                        "strict",
                        "{\"type\": \"object\", \"additionalProperties\": false}",
                        CompletableFuture::completedFuture)),
                new ToolSettings(Duration.ofMillis(100), 100))
            .observedBy(
                (tool, source, outcome, took) ->
                    heard.add(
                        tool + "/" + source + "=" + outcome + (took.isPresent() ? " timed" : "")));
    invoke(registry, "ok", "{}");
    invoke(registry, "fails", "{}");
    invoke(registry, "slow", "{}");
    invoke(registry, "made-up-by-the-model", "{}");
    invoke(registry, "ok", "[1]");
    invoke(registry, "strict", "{\"x\": 1}");
    assertEquals(
        List.of(
            "ok/builtin=ok timed",
            "fails/builtin=error timed",
            "slow/builtin=timeout timed",
            "unknown/unknown=unknown-tool",
            "ok/builtin=bad-arguments",
            "strict/builtin=bad-arguments"),
        heard);
  }

  @Test
  void aToolIsOfferedAndRunOnlyInTheChannelsItsPolicyNames() throws Exception {
    var settings =
        new ToolSettings(
            Duration.ofSeconds(5),
            100,
            ToolPolicies.from(
                ConfigFactory.parseString("parley.tool.policy { b { channels = [telegram] } }")),
            List.of());
    var registry = new ToolRegistry(List.of(answering("a", "x"), answering("b", "y")), settings);
    assertEquals(List.of("a", "b"), registry.specs().stream().map(ToolSpec::name).toList());
    assertEquals(List.of("a", "b"), registry.specs("tg").stream().map(ToolSpec::name).toList());
    assertEquals(List.of("a"), registry.specs("api").stream().map(ToolSpec::name).toList());

    // A model that asks for it anyway in an API conversation hears of no such tool.
    assertEquals("error: unknown tool \"b\"; available: a", invoke(registry, "b", "{}"));
    var telegram = new ToolContext("user:tg:42", "k", Runnable::run);
    assertEquals(
        "y",
        registry
            .invoke(new ToolCall("1", "b", "{}"), telegram)
            .toCompletableFuture()
            .get(5, SECONDS));
  }
}
