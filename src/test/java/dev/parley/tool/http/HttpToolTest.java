package dev.parley.tool.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.parley.FreePorts;
import dev.parley.llm.ToolCall;
import dev.parley.tool.ToolContext;
import dev.parley.tool.ToolRegistry;
import dev.parley.tool.ToolSettings;
import dev.parley.tool.ToolSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP tools against a real endpoint on 127.0.0.1 (a pekko-http server), through the registry as
 * the conversation calls them: what is sent, and what each kind of answer becomes for the model.
 */
class HttpToolTest {
  private static final String SECRET = "Bearer s3cret-value";
  private static final ToolContext CONTEXT =
      new ToolContext("user:api:alice", "user:api:alice/3/1/0", Runnable::run);

  private static ActorTestKit testKit;
  private static ServerBinding endpoint;
  private static final List<HttpRequest> received = new CopyOnWriteArrayList<>();
  private static final List<String> bodies = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create();
    endpoint =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(HttpToolTest::answer)
            .toCompletableFuture()
            .get(10, SECONDS);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void forget() {
    received.clear();
    bodies.clear();
  }

  private static CompletionStage<HttpResponse> answer(HttpRequest request) {
    received.add(request);
    return request
        .entity()
        .toStrict(5_000, testKit.system())
        .thenApply(
            strict -> {
              bodies.add(strict.getData().utf8String());
              return switch (request.getUri().path()) {
                case "/order" ->
                    HttpResponse.create()
                        .withEntity(ContentTypes.APPLICATION_JSON, "{\"status\":\"shipped\"}");
                case "/text" ->
                    HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8, "plain answer");
                case "/down" ->
                    HttpResponse.create()
                        .withStatus(StatusCodes.SERVICE_UNAVAILABLE)
                        .withEntity(ContentTypes.APPLICATION_JSON, "{\"error\":\"maintenance\"}");
                case "/big" ->
                    HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8, "x".repeat(100));
                case "/streamed" ->
                    HttpResponse.create()
                        .withEntity(
                            HttpEntities.create(
                                ContentTypes.TEXT_PLAIN_UTF8,
                                Source.from(
                                    List.of(
                                        ByteString.fromString("x".repeat(40)),
                                        ByteString.fromString("x".repeat(40)),
                                        ByteString.fromString("x".repeat(40))))));
                default -> HttpResponse.create().withStatus(StatusCodes.NOT_FOUND);
              };
            })
        .thenCompose(
            response ->
                request.getUri().path().equals("/slow")
                    ? new CompletableFuture<HttpResponse>()
                    : CompletableFuture.completedFuture(response));
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + endpoint.localAddress().getPort() + path;
  }

  private static HttpToolSettings settings(String name, String url, Map<String, String> extra) {
    var overrides = new java.util.HashMap<>(extra);
    String parameters = overrides.remove("parameters");
    var config =
        ConfigFactory.parseMap(overrides)
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "description", "Looks something up.",
                        "url", url,
                        "headers.Authorization", SECRET,
                        "max-response-bytes", "64",
                        "timeout", "1s")));
    if (parameters != null) {
      config = ConfigFactory.parseString("parameters " + parameters).withFallback(config);
    }
    return HttpToolSettings.from(name, config);
  }

  private static String call(HttpToolSettings settings, String arguments) throws Exception {
    var registry =
        new ToolRegistry(
            List.of(new HttpTool(settings, testKit.system())),
            new ToolSettings(Duration.ofSeconds(30), 1_000));
    return registry
        .invoke(new ToolCall("c1", settings.name(), arguments), CONTEXT)
        .toCompletableFuture()
        .get(10, SECONDS);
  }

  @Test
  void postsTheArgumentsWithIdempotencyKeyConversationAndConfiguredHeaders() throws Exception {
    var order =
        settings(
            "order_status",
            url("/order"),
            Map.of(
                "parameters",
                "{type = object, properties { order { type = string } }, required = [order]}"));
    assertEquals("{\"status\":\"shipped\"}", call(order, "{\"order\": \"A-17\"}"));
    assertEquals(1, received.size());
    HttpRequest request = received.get(0);
    assertEquals("POST", request.method().value());
    assertEquals("{\"order\": \"A-17\"}", bodies.get(0));
    assertEquals("application/json", request.entity().getContentType().mediaType().toString());
    assertEquals(
        "user:api:alice/3/1/0", request.getHeader("Idempotency-Key").orElseThrow().value());
    assertEquals(
        "user:api:alice", request.getHeader("X-Parley-Conversation").orElseThrow().value());
    assertEquals(SECRET, request.getHeader("Authorization").orElseThrow().value());
  }

  @Test
  void aTextAnswerIsTheResultAsItIs() throws Exception {
    var tool = settings("text_tool", url("/text"), Map.of("method", "put"));
    assertEquals("plain answer", call(tool, ""));
    assertEquals("PUT", received.get(0).method().value());
    assertEquals("{}", bodies.get(0));
  }

  @Test
  void argumentsTheSchemaRefusesNeverLeaveTheNode() throws Exception {
    var order =
        settings(
            "order_status",
            url("/order"),
            Map.of("parameters", "{type = object, required = [order]}"));
    assertEquals(
        "error: invalid arguments: required property 'order' not found", call(order, "{}"));
    assertTrue(received.isEmpty());
  }

  @Test
  void anotherStatusIsAnErrorWithTheStatusAndTheEndpointsReason() throws Exception {
    assertEquals(
        "error: down failed: HTTP 503 Service Unavailable: {\"error\":\"maintenance\"}",
        call(settings("down", url("/down"), Map.of()), "{}"));
  }

  @Test
  void anAnswerOverTheLimitIsAnErrorWhetherDeclaredOrStreamed() throws Exception {
    assertEquals(
        "error: big failed: the answer is larger than 64 bytes",
        call(settings("big", url("/big"), Map.of()), "{}"));
    assertEquals(
        "error: streamed failed: the answer is larger than 64 bytes",
        call(settings("streamed", url("/streamed"), Map.of()), "{}"));
  }

  @Test
  void anUnreachableEndpointIsAnErrorNamingTheHostOnly() throws Exception {
    int closed = FreePorts.pick();
    String result = call(settings("gone", "http://127.0.0.1:" + closed + "/x", Map.of()), "{}");
    assertTrue(result.startsWith("error: gone failed: could not reach 127.0.0.1 ("), result);
    assertFalse(result.contains("s3cret"), result);
  }

  @Test
  void aCallIsReportedWithSourceHttpAndItsDuration() throws Exception {
    var heard = new CopyOnWriteArrayList<String>();
    var tool = new HttpTool(settings("order_status", url("/order"), Map.of()), testKit.system());
    var registry =
        new ToolRegistry(List.of(tool), new ToolSettings(Duration.ofSeconds(30), 1_000))
            .observedBy(
                (name, source, outcome, took) ->
                    heard.add(name + "/" + source + "=" + outcome + " " + took.isPresent()));
    registry
        .invoke(new ToolCall("c1", "order_status", "{}"), CONTEXT)
        .toCompletableFuture()
        .get(10, SECONDS);
    assertEquals(ToolSource.HTTP, tool.source());
    assertEquals(List.of("order_status/http=ok true"), heard);
  }

  @Test
  void theToolsOwnTimeoutReplacesTheRegistrysDefault() throws Exception {
    var slow = settings("slow", url("/slow"), Map.of("timeout", "300ms"));
    assertEquals("error: slow timed out after 300 ms", call(slow, "{}"));
  }

  @Test
  void unusableSettingsRefuseToStartNamingToolAndKey() {
    var base = Map.of("description", "d", "url", "http://127.0.0.1/x");
    assertEquals(
        "parley.tool.http.t.description is required: the model picks tools by it",
        refusal(Map.of("url", "http://127.0.0.1/x")));
    assertEquals(
        "parley.tool.http.t.url must be an absolute http(s) URL",
        refusal(Map.of("description", "d", "url", "file:///etc/passwd")));
    assertEquals(
        "parley.tool.http.t.method must be POST, PUT or PATCH (the arguments go as the JSON body)",
        refusal(with(base, "method", "GET")));
    String reserved = refusal(with(base, "headers.Idempotency-Key", "mine"));
    assertTrue(reserved.startsWith("parley.tool.http.t.headers: \"Idempotency-Key\""), reserved);
    assertEquals(
        "parley.tool.http.t.timeout must be positive", refusal(with(base, "timeout", "0s")));
    String badHeader = refusal(with(base, "headers.Authorization", "Bearer x\nInjected: 1"));
    assertEquals("parley.tool.http.t.headers.Authorization holds a control character", badHeader);
  }

  @Test
  void everyToolUnderParleyToolHttpIsRead() {
    var all =
        HttpToolSettings.allFrom(
            ConfigFactory.parseString(
                """
                parley.tool.http {
                  b_tool { description = "B", url = "https://b.example/x", method = patch }
                  a_tool {
                    description = "A"
                    url = "http://a.example/y"
                    parameters { type = object, properties { q { type = string } } }
                  }
                }
                """));
    assertEquals(List.of("a_tool", "b_tool"), all.stream().map(HttpToolSettings::name).toList());
    assertEquals("PATCH", all.get(1).method());
    assertEquals("{\"type\":\"object\"}", all.get(1).parametersSchema());
    assertTrue(all.get(0).parametersSchema().contains("\"q\":{\"type\":\"string\"}"));
    assertEquals(Duration.ofSeconds(10), all.get(0).timeout());
    assertEquals(65_536, all.get(0).maxResponseBytes());
    assertEquals(32, all.get(0).maxConnections());
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    var all = new java.util.HashMap<>(base);
    all.put(key, value);
    return all;
  }

  private static String refusal(Map<String, String> settings) {
    return assertThrows(
            IllegalArgumentException.class,
            () -> HttpToolSettings.from("t", ConfigFactory.parseMap(settings)))
        .getMessage();
  }
}
