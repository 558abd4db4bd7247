package dev.parley;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.async.Stages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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

/**
 * A wire-level double of an OpenAI-compatible chat-completions server that answers every request
 * with {@code "echo: " + <the last user message>}, so a test can check each reply against the
 * message it answers. While holding, it answers nothing: a turn started then cannot complete,
 * however long the test takes to crash the node that asked.
 */
final class EchoModelDouble implements AutoCloseable {
  static final String ECHO_PREFIX = "echo: ";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  private final List<Held> held = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> answered = new CopyOnWriteArrayList<>();
  private volatile boolean holding = true;
  private ServerBinding binding;

  /** A request received while holding: its body, and the answer its caller waits for. */
  private record Held(String body, CompletableFuture<HttpResponse> response) {}

  private EchoModelDouble(ActorSystem<?> system) {
    this.system = system;
  }

  /** Binds on 127.0.0.1 and a port from the OS, holding; waits (test thread only) until bound. */
  static EchoModelDouble start(ActorSystem<?> system) {
    EchoModelDouble server = new EchoModelDouble(system);
    try {
      server.binding =
          Http.get(system)
              .newServerAt("127.0.0.1", 0)
              .bind(server::handle)
              .toCompletableFuture()
              .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the echo model double could not bind", e);
    }
    return server;
  }

  /** The root to configure as {@code LLM_BASE_URL}, e.g. {@code http://127.0.0.1:4711/v1}. */
  String baseUrl() {
    return "http://127.0.0.1:" + binding.localAddress().getPort() + "/v1";
  }

  /** From now on every request is answered at once. Requests held so far stay unanswered. */
  void answer() {
    synchronized (held) {
      holding = false;
    }
  }

  /**
   * Answers every request held so far, as it would have been answered at once. The caller of a
   * request may be gone (a killed node): its answer then goes nowhere, and it holds up nothing.
   */
  void answerHeld() {
    List<Held> taken;
    synchronized (held) {
      taken = List.copyOf(held);
      held.clear();
    }
    taken.forEach(request -> request.response().complete(echo(request.body())));
  }

  /** Requests received so far, answered or not. */
  int requestCount() {
    return requests.get();
  }

  /** Requests held and not answered yet (their callers may be long gone). */
  int heldCount() {
    return held.size();
  }

  /** The last user message of every request answered so far. */
  Set<String> answeredUserTexts() {
    return Set.copyOf(answered);
  }

  /** How many requests have been answered so far: a mark for {@link #answeredSince}. */
  int answeredCount() {
    return answered.size();
  }

  /** The last user message of every request answered after {@code mark} was taken. */
  Set<String> answeredSince(int mark) {
    List<String> all = List.copyOf(answered);
    return Set.copyOf(all.subList(Math.min(mark, all.size()), all.size()));
  }

  /** Ends the held requests with 503, then unbinds. */
  @Override
  public void close() {
    HttpResponse closed = json(503, "{\"error\":{\"message\":\"double closed\"}}");
    held.forEach(request -> request.response().complete(closed));
    if (binding == null) {
      return;
    }
    try {
      binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the echo model double did not stop", e);
    }
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    // On the dispatcher: Pekko's own stage would continue on a new thread per request (Stages).
    return Stages.on(
            system.executionContext(), request.entity().toStrict(START_TIMEOUT.toMillis(), system))
        .thenCompose(
            strict -> {
              requests.incrementAndGet();
              synchronized (held) {
                // Under the lock: a request is either held before answerHeld takes the list, or
                // answered at once after answer(); none falls in between.
                if (holding) {
                  CompletableFuture<HttpResponse> response = new CompletableFuture<>();
                  held.add(new Held(strict.getData().utf8String(), response));
                  return response;
                }
              }
              return CompletableFuture.completedFuture(echo(strict.getData().utf8String()));
            });
  }

  private HttpResponse echo(String body) {
    JsonNode messages;
    try {
      messages = MAPPER.readTree(body).path("messages");
    } catch (IOException e) {
      return json(400, "{\"error\":{\"message\":\"body is not JSON\"}}");
    }
    String last = null;
    for (JsonNode message : messages) {
      if ("user".equals(message.path("role").asText())) {
        last = message.path("content").asText();
      }
    }
    if (last == null) {
      return json(400, "{\"error\":{\"message\":\"no user message\"}}");
    }
    answered.add(last);
    ObjectNode root = MAPPER.createObjectNode();
    root.put("id", "chatcmpl-echo").put("object", "chat.completion").put("model", "echo");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", ECHO_PREFIX + last);
    choice.put("finish_reason", "stop");
    root.putObject("usage").put("prompt_tokens", 1).put("completion_tokens", 1);
    return json(200, root.toString());
  }

  private static HttpResponse json(int status, String body) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(
            HttpEntities.create(
                ContentTypes.APPLICATION_JSON, body.getBytes(StandardCharsets.UTF_8)));
  }
}
