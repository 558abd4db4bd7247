package dev.parley.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Authorization;

/**
 * A wire-level double of an OpenAI-compatible chat-completions server: a real pekko-http server on
 * 127.0.0.1 and a port from the OS. It records every request (body as JSON, the Authorization
 * header) and answers each from a queue of scripted answers, in order; with the queue empty it
 * answers 500, so a missing script shows up as a failure, not a hang.
 */
public final class OpenAiServerDouble implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  /** One request as the double saw it; a body that is not JSON is kept as a text node. */
  public record RecordedRequest(String path, JsonNode body, Optional<String> authorization) {}

  /** An answer: status, body and whether the body is labelled as JSON. */
  public record Answer(int status, String body, boolean json) {
    public static Answer json(int status, String body) {
      return new Answer(status, body, true);
    }
  }

  private final ActorSystem<?> system;
  private final Queue<CompletableFuture<Answer>> script = new ConcurrentLinkedQueue<>();
  private final List<CompletableFuture<Answer>> handedOut = new CopyOnWriteArrayList<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private ServerBinding binding;

  private OpenAiServerDouble(ActorSystem<?> system) {
    this.system = system;
  }

  /** Binds a new double on {@code system}; waits (test thread only) until it listens. */
  public static OpenAiServerDouble start(ActorSystem<?> system) {
    OpenAiServerDouble server = new OpenAiServerDouble(system);
    try {
      server.binding =
          Http.get(system)
              .newServerAt("127.0.0.1", 0)
              .bind(server::handle)
              .toCompletableFuture()
              .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the OpenAI double could not bind", e);
    }
    return server;
  }

  /**
   * The root to configure as {@code parley.llm.base-url}, e.g. {@code http://127.0.0.1:4711/v1}.
   */
  public String baseUrl() {
    return "http://127.0.0.1:" + binding.localAddress().getPort() + "/v1";
  }

  public OpenAiServerDouble enqueue(Answer answer) {
    script.add(CompletableFuture.completedFuture(answer));
    return this;
  }

  public OpenAiServerDouble enqueue(int status, String jsonBody) {
    return enqueue(Answer.json(status, jsonBody));
  }

  /** A 200 with a normal text answer. */
  public OpenAiServerDouble enqueueText(String text) {
    return enqueue(200, textAnswer(text));
  }

  /** A 200 asking for these tool calls. */
  public OpenAiServerDouble enqueueToolCalls(ToolCall... calls) {
    return enqueue(200, toolCallAnswer(calls));
  }

  /** A 200 whose body is HTML, as a misconfigured proxy would send. */
  public OpenAiServerDouble enqueueNotJson() {
    return enqueue(new Answer(200, "<html><body>Bad gateway, sort of</body></html>", false));
  }

  /** The next request is never answered (until {@link #close()}). */
  public OpenAiServerDouble enqueueHang() {
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

  /** Answers anything still held with 503, then unbinds. */
  @Override
  public void close() {
    Answer shutdown = Answer.json(503, "{\"error\":{\"message\":\"double closed\"}}");
    handedOut.forEach(answer -> answer.complete(shutdown));
    script.forEach(answer -> answer.complete(shutdown));
    try {
      binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the OpenAI double did not stop", e);
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
    return request
        .entity()
        .toStrict(START_TIMEOUT.toMillis(), system)
        .thenCompose(
            strict -> {
              requests.add(
                  new RecordedRequest(
                      request.getUri().path(),
                      parse(strict.getData().utf8String()),
                      request.getHeader(Authorization.class).map(h -> h.value())));
              CompletableFuture<Answer> next = script.poll();
              if (next == null) {
                next =
                    CompletableFuture.completedFuture(
                        Answer.json(500, "{\"error\":{\"message\":\"no scripted answer\"}}"));
              }
              handedOut.add(next);
              return next.thenApply(OpenAiServerDouble::toResponse);
            });
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
    return HttpResponse.create()
        .withStatus(answer.status())
        .withEntity(
            answer.json()
                ? HttpEntities.create(ContentTypes.APPLICATION_JSON, bytes)
                : HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, bytes));
  }
}
