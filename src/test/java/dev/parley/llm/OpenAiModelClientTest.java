package dev.parley.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.parley.FreePorts;
import dev.parley.ModelServerDouble;
import dev.parley.ModelServerDouble.RecordedRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LogCapturingExtension.class)
class OpenAiModelClientTest {
  private static final String KEY = "sk-test-secret-123";
  private static final ToolSpec CURRENT_TIME =
      new ToolSpec(
          "current_time",
          "The current time in a time zone",
          "{\"type\":\"object\",\"properties\":{\"timezone\":{\"type\":\"string\"}},"
              + "\"required\":[\"timezone\"]}");

  private static ActorTestKit testKit;
  private ModelServerDouble server;

  @BeforeAll
  static void startTestKit() {
    // A local provider: the project's configuration would bind the cluster's remoting port.
    testKit =
        ActorTestKit.create(
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void startServer() {
    server = ModelServerDouble.scripted(testKit.system());
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void twoRoundToolLoopSendsToolCallsAndResultsBack() throws Exception {
    ModelClient client = client("");
    ToolCall call = new ToolCall("call_abc", "current_time", "{\"timezone\":\"UTC\"}");
    server.enqueueToolCalls(call).enqueueText("It is noon in UTC.");
    List<ChatMessage> prompt = new ArrayList<>();
    prompt.add(ChatMessage.system("You are helpful."));
    prompt.add(ChatMessage.user("What time is it?", "alice_1"));

    ChatResponse first = await(client.complete(new ChatRequest(prompt, List.of(CURRENT_TIME))));
    assertTrue(first.wantsTools());
    assertEquals(List.of(call), first.toolCalls());
    assertEquals("tool_calls", first.finishReason());

    prompt.add(ChatMessage.assistant(first.content(), first.toolCalls()));
    prompt.add(ChatMessage.toolResult("call_abc", "current_time", "12:00:00Z"));
    ChatResponse second = await(client.complete(new ChatRequest(prompt, List.of(CURRENT_TIME))));
    assertEquals("It is noon in UTC.", second.content());
    assertEquals("stop", second.finishReason());

    JsonNode body = server.requests().get(1).body();
    assertEquals("test-model", body.path("model").asText());
    JsonNode messages = body.path("messages");
    assertEquals(4, messages.size());
    assertEquals("alice_1", messages.path(1).path("name").asText());
    JsonNode assistant = messages.path(2);
    assertEquals("assistant", assistant.path("role").asText());
    assertTrue(assistant.path("content").isNull());
    JsonNode wireCall = assistant.path("tool_calls").path(0);
    assertEquals("call_abc", wireCall.path("id").asText());
    assertEquals("function", wireCall.path("type").asText());
    assertEquals("current_time", wireCall.path("function").path("name").asText());
    assertEquals("{\"timezone\":\"UTC\"}", wireCall.path("function").path("arguments").asText());
    JsonNode toolMessage = messages.path(3);
    assertEquals("tool", toolMessage.path("role").asText());
    assertEquals("call_abc", toolMessage.path("tool_call_id").asText());
    assertEquals("12:00:00Z", toolMessage.path("content").asText());
    JsonNode function = body.path("tools").path(0).path("function");
    assertEquals("function", body.path("tools").path(0).path("type").asText());
    assertEquals("current_time", function.path("name").asText());
    assertTrue(function.path("parameters").isObject(), "parameters must be JSON, not a string");
    assertEquals("string", function.at("/parameters/properties/timezone/type").asText());
  }

  @Test
  void noToolsMeansNoToolsFieldAndInvalidNamesAreLeftOut() throws Exception {
    server.enqueueText("hi");
    var request = new ChatRequest(List.of(ChatMessage.user("hello", "tg:42 Alice")), List.of());

    await(client("").complete(request));

    JsonNode body = server.requests().get(0).body();
    assertFalse(body.has("tools"));
    assertFalse(body.path("messages").path(0).has("name"));
  }

  @Test
  void temperatureAndMaxTokensAreSentOnlyWhenSet() throws Exception {
    server.enqueueText("a").enqueueText("b");

    await(client("").complete(hello()));
    await(client("temperature = 0.2\nmax-tokens = 300").complete(hello()));

    JsonNode unset = server.requests().get(0).body();
    assertFalse(unset.has("temperature") || unset.has("max_tokens"), unset.toString());
    JsonNode set = server.requests().get(1).body();
    assertEquals(0.2, set.path("temperature").asDouble());
    assertEquals(300, set.path("max_tokens").asInt());
  }

  @Test
  void samplingOutsideItsRangeRefusesToStart() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LlmSettings.from(
                ConfigFactory.parseString("parley.llm.temperature = 3")
                    .withFallback(ConfigFactory.load())));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LlmSettings.from(
                ConfigFactory.parseString("parley.llm.max-tokens = 0")
                    .withFallback(ConfigFactory.load())));
  }

  @Test
  void serverErrorIsRetriedThenFails() {
    server.enqueue(500, "{}").enqueue(500, "{}").enqueue(500, "{}");

    ModelException e = failure(client("max-retries = 2"), hello());

    assertEquals("http-500", e.code());
    assertTrue(e.retryable());
    assertEquals(3, server.requests().size(), "one attempt plus two retries");
  }

  @Test
  void serverErrorThenSuccessRecovers() throws Exception {
    server.enqueue(500, "{}").enqueueText("recovered");

    ChatResponse response = await(client("max-retries = 2").complete(hello()));

    assertEquals("recovered", response.content());
    assertEquals(2, server.requests().size());
  }

  @Test
  void rateLimitIsRetried() throws Exception {
    server.enqueue(429, "{\"error\":{\"message\":\"slow down\"}}").enqueueText("ok");

    assertEquals("ok", await(client("max-retries = 1").complete(hello())).content());
    assertEquals(2, server.requests().size());
  }

  @Test
  void anOutageIsWaitedOutInsteadOfFailingTheCall() throws Exception {
    for (int i = 0; i < 6; i++) {
      server.enqueue(503, "{\"error\":{\"message\":\"overloaded\"}}");
    }
    server.enqueueText("back again");
    ModelClient client =
        client(
            "max-retries = 1\noutage-wait = 20s\nbreaker { max-failures = 3, reset-timeout ="
                + " 50ms, max-reset-timeout = 200ms }");

    assertEquals("back again", await(client.complete(hello())).content());
    assertEquals(7, server.requests().size(), "each failure was tried again, none failed the call");
  }

  @Test
  void anOutageLongerThanOutageWaitFailsWithTheServersCode() {
    // Nothing scripted: the double answers every request with 500.
    ModelException e =
        failure(
            client(
                "max-retries = 0\noutage-wait = 400ms\nbreaker { max-failures = 100,"
                    + " reset-timeout = 1s }"),
            hello());

    assertEquals("http-500", e.code());
    assertTrue(server.requests().size() > 1, "retried within outage-wait");
  }

  @Test
  void theServersRetryAfterIsThePause() throws Exception {
    server
        .enqueue(new ModelServerDouble.Answer(429, "{}", true, "1"))
        .enqueueText("after the pause");
    long started = System.nanoTime();

    assertEquals("after the pause", await(client("max-retries = 1").complete(hello())).content());
    // retry-backoff is 20 ms: only the server's Retry-After makes the pause a second.
    assertTrue(
        System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(1_000),
        "retried before the Retry-After second had passed");
  }

  @Test
  void anOpenBreakerStopsCallsBeforeTheyReachTheServer() {
    server.fail(503);
    ModelClient client =
        client("max-retries = 0\nbreaker { max-failures = 2, reset-timeout = 30s }");
    // The breaker notes a failure as the call completes: it opens within a few calls.
    ModelException refused = null;
    for (int i = 0; i < 10 && refused == null; i++) {
      ModelException e = failure(client, hello());
      if (e.code().equals("model-unavailable")) {
        refused = e;
      } else {
        assertEquals("http-503", e.code());
      }
    }
    assertTrue(refused != null, "the breaker never opened");
    assertTrue(refused.retryAfter().isPresent());
    int reached = server.requestCount();
    for (int i = 0; i < 5; i++) {
      assertEquals("model-unavailable", failure(client, hello()).code());
    }
    assertEquals(reached, server.requestCount(), "the open breaker sent nothing more");
  }

  @Test
  void serverThatNeverAnswersTimesOut() {
    server.enqueueHang();

    ModelException e = failure(client("request-timeout = 500ms\nmax-retries = 0"), hello());

    assertEquals("timeout", e.code());
    assertTrue(e.retryable());
  }

  @Test
  void answerThatIsNotJsonIsUnreadable() {
    server.enqueueNotJson();

    ModelException e = failure(client("max-retries = 0"), hello());

    assertEquals("unreadable", e.code());
  }

  @Test
  void answerWithoutChoicesIsUnreadable() {
    server.enqueue(200, "{\"object\":\"chat.completion\"}");

    assertEquals("unreadable", failure(client("max-retries = 0"), hello()).code());
  }

  @Test
  void unauthorizedIsNotRetriedAndNeverShowsTheKey() {
    server
        .enqueue(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}")
        .enqueueText("a retry would get this");

    ModelException e = failure(client("max-retries = 2"), hello());

    assertEquals("http-401", e.code());
    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("401"), e.getMessage());
    assertTrue(e.getMessage().contains("Incorrect API key provided"), e.getMessage());
    assertFalse(e.getMessage().contains(KEY), e.getMessage());
    assertEquals(1, server.requests().size());
  }

  @Test
  void theKeyIsMaskedBeforeTheMessageIsCutSoNoPartOfItSurvives() {
    // The key straddles the 200-character cut: cut first, its prefix would no longer match.
    String before = "k".repeat(195);
    server.enqueue(401, "{\"error\":{\"message\":\"" + before + KEY + " rejected\"}}");

    ModelException e = failure(client("max-retries = 0"), hello());

    assertFalse(e.getMessage().contains(KEY.substring(0, 4)), e.getMessage());
    assertTrue(e.getMessage().contains("***"), e.getMessage());
  }

  @Test
  void longServerErrorMessageIsCut() {
    server.enqueue(400, "{\"error\":{\"message\":\"" + "x".repeat(5000) + "\"}}");

    ModelException e = failure(client(""), hello());

    assertEquals("http-400", e.code());
    assertTrue(e.getMessage().length() < 300, "message length " + e.getMessage().length());
  }

  @Test
  void apiKeyIsSentAsBearerToChatCompletions() throws Exception {
    server.enqueueText("hi");

    await(client("base-url = \"" + server.baseUrl() + "/\"").complete(hello()));

    RecordedRequest request = server.requests().get(0);
    assertEquals(Optional.of("Bearer " + KEY), request.authorization());
    assertEquals("/v1/chat/completions", request.path());
  }

  @Test
  void emptyApiKeySendsNoAuthorization() throws Exception {
    server.enqueueText("hi");

    await(client("api-key = \"\"").complete(hello()));

    assertEquals(Optional.empty(), server.requests().get(0).authorization());
  }

  @Test
  void unreachableServerIsAConnectionFailure() throws IOException {
    // Outside the ephemeral range, so that no outgoing connection can hold it meanwhile.
    int closedPort = FreePorts.pick();
    String overrides = "max-retries = 0\nbase-url = \"http://127.0.0.1:" + closedPort + "/v1\"";

    assertEquals("connection", failure(client(overrides), hello()).code());
  }

  @Test
  void poolAllowsMoreThanPekkoDefaultOfFourCallsInFlight() throws Exception {
    int calls = 10;
    List<CompletableFuture<ModelServerDouble.Answer>> held = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      held.add(server.enqueueDeferred());
    }
    ModelClient client = client("max-connections = 16\nrequest-timeout = 10s");
    List<CompletableFuture<ChatResponse>> answers = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      answers.add(client.complete(hello()).toCompletableFuture());
    }

    // All ten reach the server while none is answered: they hold ten connections at once.
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertEquals(calls, server.requests().size());
              return null;
            });
    held.forEach(
        h -> h.complete(ModelServerDouble.Answer.json(200, ModelServerDouble.textAnswer("ok"))));
    for (CompletableFuture<ChatResponse> answer : answers) {
      assertEquals("ok", answer.get(5, TimeUnit.SECONDS).content());
    }
  }

  @Test
  void callsBeyondThePoolWaitForASlotInsteadOfFailing() throws Exception {
    int calls = 10;
    List<CompletableFuture<ModelServerDouble.Answer>> held = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      held.add(server.enqueueDeferred());
    }
    // Two connections, and a pool queue of two: without admission the third call overflows.
    ModelClient client =
        client(
            "max-connections = 2\nmax-open-requests = 2\nmax-retries = 0\nrequest-timeout = 10s");
    List<CompletableFuture<ChatResponse>> answers = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      answers.add(client.complete(hello()).toCompletableFuture());
    }
    var probe = testKit.createTestProbe();
    for (int answered = 0; answered < calls; answered++) {
      int expected = Math.min(calls, answered + 2);
      probe.awaitAssert(
          Duration.ofSeconds(5),
          () -> {
            assertEquals(expected, server.requests().size(), "two at a time reach the server");
            return null;
          });
      held.get(answered)
          .complete(ModelServerDouble.Answer.json(200, ModelServerDouble.textAnswer("ok")));
    }
    for (CompletableFuture<ChatResponse> answer : answers) {
      assertEquals("ok", answer.get(5, TimeUnit.SECONDS).content());
    }
  }

  private ModelClient client(String overrides) {
    String config =
        "parley.llm {\n"
            + "provider = openai\n"
            + "base-url = \""
            + server.baseUrl()
            + "\"\n"
            + "api-key = \""
            + KEY
            + "\"\n"
            + "model = test-model\n"
            + "request-timeout = 3s\n"
            + "retry-backoff = 20ms\n"
            // The quick retries alone, unless a test waits out an outage on purpose.
            + "outage-wait = 0s\n"
            + overrides
            + "\n}";
    LlmSettings settings =
        LlmSettings.from(ConfigFactory.parseString(config).withFallback(ConfigFactory.load()))
            .validate();
    return OpenAiModelClient.create(testKit.system(), settings);
  }

  private static ChatRequest hello() {
    return new ChatRequest(List.of(ChatMessage.user("hello", null)), List.of(CURRENT_TIME));
  }

  private static ChatResponse await(java.util.concurrent.CompletionStage<ChatResponse> stage)
      throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ModelException failure(ModelClient client, ChatRequest request) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> client.complete(request).toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(ModelException.class, e.getCause());
  }
}
