package dev.parley;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.parley.async.Stages;
import dev.parley.llm.ToolCall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The tests' one wire-level double of an OpenAI-compatible chat-completions server: a real
 * pekko-http server on 127.0.0.1 and a port from the OS that records every request (path, body as
 * JSON, the Authorization header). A request takes the next scripted answer, in order; with none
 * left, a {@link #scripted} double answers 500 (a missing script shows up as a failure, not a
 * hang), and an {@link #echoing} one answers {@code "echo: " + <the last user message>}, so a test
 * can check each reply against the message it answers. While an echoing double holds, it answers
 * nothing: a turn started then cannot complete, however long the test takes to crash its node.
 */
public final class ModelServerDouble implements AutoCloseable {
  public static final String ECHO_PREFIX = "echo: ";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Answer NO_SCRIPT =
      Answer.json(500, "{\"error\":{\"message\":\"no scripted answer\"}}");

  /** One request as the double saw it; a body that is not JSON is kept as a text node. */
  public record RecordedRequest(String path, JsonNode body, Optional<String> authorization) {}

  /**
   * An answer: status, body, whether the body is labelled as JSON, and a {@code Retry-After} value
   * (null for none).
   */
  public record Answer(int status, String body, boolean json, String retryAfter) {
    public Answer(int status, String body, boolean json) {
      this(status, body, json, null);
    }

    public static Answer json(int status, String body) {
      return new Answer(status, body, true);
    }
  }

  /** A request received while holding: its body, and the answer its caller waits for. */
  private record Held(String body, CompletableFuture<HttpResponse> response) {}

  private final ActorSystem<?> system;
  private final boolean echo;
  private final Queue<CompletableFuture<Answer>> script = new ConcurrentLinkedQueue<>();
  private final List<CompletableFuture<Answer>> handedOut = new CopyOnWriteArrayList<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final List<Held> held = new CopyOnWriteArrayList<>();
  private final List<String> answered = new CopyOnWriteArrayList<>();
  private volatile boolean holding;
  // While set, every request is answered with this status (a server that is down); null: normal.
  private volatile Integer outage;
  private volatile String outageRetryAfter;
  private final AtomicInteger outageAnswers = new AtomicInteger();
  private ServerBinding binding;

  private ModelServerDouble(ActorSystem<?> system, boolean echo) {
    this.system = system;
    this.echo = echo;
    this.holding = echo;
  }

  /** A double answering only from its script; waits (test thread only) until it listens. */
  public static ModelServerDouble scripted(ActorSystem<?> system) {
    return start(new ModelServerDouble(system, false));
  }

  /**
   * A double that echoes every unscripted request, holding them until {@link #answer()}; waits
   * (test thread only) until it listens.
   */
  public static ModelServerDouble echoing(ActorSystem<?> system) {
    return start(new ModelServerDouble(system, true));
  }

  private static ModelServerDouble start(ModelServerDouble server) {
    try {
      server.binding =
          Http.get(server.system)
              .newServerAt("127.0.0.1", 0)
              .bind(server::handle)
              .toCompletableFuture()
              .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the model server double could not bind", e);
    }
    return server;
  }

  /**
   * The root to configure as {@code parley.llm.base-url} or {@code LLM_BASE_URL}, e.g. {@code
   * http://127.0.0.1:4711/v1}.
   */
  public String baseUrl() {
    return "http://127.0.0.1:" + binding.localAddress().getPort() + "/v1";
  }

  /** A node's configuration that takes its model from this double (OpenAI-compatible). */
  public Map<String, Object> nodeConfig() {
    return nodeConfig(Map.of());
  }

  /**
   * The environment that points a node started as a process ({@code scripts/run}) at this double,
   * in a new map the caller may add to.
   */
  public Map<String, String> processEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("LLM_PROVIDER", "openai");
    env.put("LLM_BASE_URL", baseUrl());
    env.put("LLM_API_KEY", "test");
    env.put("LLM_MODEL", "test");
    return env;
  }

  /** {@link #nodeConfig()} and {@code more} on top, in a new map the caller may add to. */
  public Map<String, Object> nodeConfig(Map<String, ?> more) {
    Map<String, Object> config = new HashMap<>();
    config.put("parley.llm.provider", "openai");
    config.put("parley.llm.base-url", baseUrl());
    config.putAll(more);
    return config;
  }

  public ModelServerDouble enqueue(Answer answer) {
    script.add(CompletableFuture.completedFuture(answer));
    return this;
  }

  public ModelServerDouble enqueue(int status, String jsonBody) {
    return enqueue(Answer.json(status, jsonBody));
  }

  /** A 200 with a normal text answer. */
  public ModelServerDouble enqueueText(String text) {
    return enqueue(200, textAnswer(text));
  }

  /** A 200 asking for these tool calls. */
  public ModelServerDouble enqueueToolCalls(ToolCall... calls) {
    return enqueue(200, toolCallAnswer(calls));
  }

  /** A 200 whose body is HTML, as a misconfigured proxy would send. */
  public ModelServerDouble enqueueNotJson() {
    return enqueue(new Answer(200, "<html><body>Bad gateway, sort of</body></html>", false));
  }

  /** The next request is never answered (until {@link #close()}). */
  public ModelServerDouble enqueueHang() {
    script.add(new CompletableFuture<>());
    return this;
  }

  /**
   * The next request waits until the test completes the returned future with its answer: a model
   * call held in flight for as long as the test needs.
   */
  public CompletableFuture<Answer> enqueueDeferred() {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    script.add(answer);
    return answer;
  }

  /** Every request received so far, oldest first. */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /**
   * From now on every request gets {@code status} (with no script used) until {@link #recover()}.
   */
  public void fail(int status) {
    fail(status, null);
  }

  /**
   * As {@link #fail(int)}, and every other answer of the outage (the first, third, ...) carries
   * {@code Retry-After: retryAfter} (null: none does), as a server behind a proxy that adds it only
   * to some answers.
   */
  public void fail(int status, String retryAfter) {
    outageRetryAfter = retryAfter;
    outage = status;
  }

  /** The answers given while failing, since this double started. */
  public int outageAnswerCount() {
    return outageAnswers.get();
  }

  /** Ends {@link #fail}: requests are answered as before. */
  public void recover() {
    outage = null;
  }

  /** From now on every unscripted request is echoed at once. Requests held so far stay held. */
  public void answer() {
    synchronized (held) {
      holding = false;
    }
  }

  /**
   * Answers every request held so far, as it would have been answered at once. The caller of a
   * request may be gone (a killed node): its answer then goes nowhere, and it holds up nothing.
   */
  public void answerHeld() {
    List<Held> taken;
    synchronized (held) {
      taken = List.copyOf(held);
      held.clear();
    }
    taken.forEach(request -> request.response().complete(echo(request.body())));
  }

  /** Requests received so far, answered or not. */
  public int requestCount() {
    return requests.size();
  }

  /** Requests held and not answered yet (their callers may be long gone). */
  public int heldCount() {
    return held.size();
  }

  /** The last user message of every request echoed so far. */
  public Set<String> answeredUserTexts() {
    return Set.copyOf(answered);
  }

  /** How many requests have been echoed so far: a mark for {@link #answeredSince}. */
  public int answeredCount() {
    return answered.size();
  }

  /** The last user message of every request echoed after {@code mark} was taken. */
  public Set<String> answeredSince(int mark) {
    List<String> all = List.copyOf(answered);
    return Set.copyOf(all.subList(Math.min(mark, all.size()), all.size()));
  }

  /** Answers anything still held with 503, then unbinds. */
  @Override
  public void close() {
    Answer closed = Answer.json(503, "{\"error\":{\"message\":\"double closed\"}}");
    handedOut.forEach(answer -> answer.complete(closed));
    script.forEach(answer -> answer.complete(closed));
    held.forEach(request -> request.response().complete(toResponse(closed)));
    if (binding == null) {
      return;
    }
    try {
      binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the model server double did not stop", e);
    }
  }

  /** A chat-completions answer with text and finish reason "stop". */
  public static String textAnswer(String text) {
    ObjectNode message = MAPPER.createObjectNode().put("role", "assistant").put("content", text);
    return completion(message, "stop");
  }

  /** A chat-completions answer asking for tool calls, with null content as OpenAI sends it. */
  public static String toolCallAnswer(ToolCall... calls) {
    ObjectNode message = MAPPER.createObjectNode().put("role", "assistant");
    message.putNull("content");
    ArrayNode wireCalls = message.putArray("tool_calls");
    for (ToolCall call : calls) {
      ObjectNode wire = wireCalls.addObject().put("id", call.id()).put("type", "function");
      wire.putObject("function").put("name", call.name()).put("arguments", call.arguments());
    }
    return completion(message, "tool_calls");
  }

  private static String completion(ObjectNode message, String finishReason) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("id", "chatcmpl-double").put("object", "chat.completion").put("model", "double");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("message", message);
    choice.put("finish_reason", finishReason);
    root.putObject("usage").put("prompt_tokens", 1).put("completion_tokens", 1);
    return root.toString();
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    // On the dispatcher: Pekko's own stage would continue on a new thread per request (Stages).
    return Stages.on(
            system.executionContext(), request.entity().toStrict(START_TIMEOUT.toMillis(), system))
        .thenCompose(
            strict -> {
              String body = strict.getData().utf8String();
              requests.add(
                  new RecordedRequest(
                      request.getUri().path(),
                      parse(body),
                      request.getHeader(Authorization.class).map(h -> h.value())));
              Integer down = outage;
              if (down != null) {
                boolean withRetryAfter = outageAnswers.getAndIncrement() % 2 == 0;
                return CompletableFuture.completedFuture(
                    toResponse(
                        new Answer(
                            down,
                            "{\"error\":{\"message\":\"down\"}}",
                            true,
                            withRetryAfter ? outageRetryAfter : null)));
              }
              CompletableFuture<Answer> next = script.poll();
              if (next != null) {
                handedOut.add(next);
                return next.thenApply(ModelServerDouble::toResponse);
              }
              if (!echo) {
                return CompletableFuture.completedFuture(toResponse(NO_SCRIPT));
              }
              synchronized (held) {
                // Under the lock: a request is either held before answerHeld takes the list, or
                // answered at once after answer(); none falls in between.
                if (holding) {
                  CompletableFuture<HttpResponse> response = new CompletableFuture<>();
                  held.add(new Held(body, response));
                  return response;
                }
              }
              return CompletableFuture.completedFuture(echo(body));
            });
  }

  private HttpResponse echo(String body) {
    String last = null;
    for (JsonNode message : parse(body).path("messages")) {
      if ("user".equals(message.path("role").asText())) {
        last = message.path("content").asText();
      }
    }
    if (last == null) {
      return toResponse(Answer.json(400, "{\"error\":{\"message\":\"no user message\"}}"));
    }
    answered.add(last);
    return toResponse(Answer.json(200, textAnswer(ECHO_PREFIX + last)));
  }

  private static JsonNode parse(String body) {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      return TextNode.valueOf(body);
    }
  }

  private static HttpResponse toResponse(Answer answer) {
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    HttpResponse response =
        answer.retryAfter() == null
            ? HttpResponse.create()
            : HttpResponse.create().addHeader(RawHeader.create("Retry-After", answer.retryAfter()));
    return response
        .withStatus(answer.status())
        .withEntity(
            answer.json()
                ? HttpEntities.create(ContentTypes.APPLICATION_JSON, bytes)
                : HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, bytes));
  }
}
