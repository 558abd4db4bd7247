package dev.parley.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * An OpenAI-compatible chat-completions server for the benchmark, on 127.0.0.1 and a port from the
 * OS. It answers {@code POST .../chat/completions} with one short assistant text after a fixed
 * latency, on the scheduler: a waiting call holds no thread. When holding (ingest mode) it answers
 * nothing until {@link #close} (or until the node's client has long given up on a call), so every
 * turn stays open and only receipts cost the node work. It counts requests and the most it had in
 * flight at once.
 */
final class ModelDouble implements AutoCloseable {
  private static final byte[] ANSWER =
      ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"model\":\"bench\","
              + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
              + "\"content\":\"Noted. (bench model)\"},\"finish_reason\":\"stop\"}],"
              + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}")
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] CLOSED =
      "{\"error\":{\"message\":\"bench model closed\"}}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NOT_FOUND =
      "{\"error\":{\"message\":\"only /chat/completions\"}}".getBytes(StandardCharsets.UTF_8);
  private static final String WHAT = "model double";

  /**
   * How long a held call is kept: past the node's own request timeout (60 s) its caller has given
   * up and retried, so the call is ended then, and the in-flight count stays the node's.
   */
  private static final Duration HOLD_LIMIT = Duration.ofSeconds(65);

  private final ActorSystem<?> system;
  private final Duration latency;
  private final boolean holding;

  private final ConcurrentLinkedQueue<CompletableFuture<HttpResponse>> held =
      new ConcurrentLinkedQueue<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile boolean closed;
  private DoubleServer server;

  private ModelDouble(ActorSystem<?> system, Duration latency, boolean holding) {
    this.system = system;
    this.latency = latency;
    this.holding = holding;
  }

  /** Binds and waits (on the caller's thread, at start-up only) until it is bound. */
  static ModelDouble start(ActorSystem<?> system, Duration latency, boolean holding) {
    ModelDouble model = new ModelDouble(system, latency, holding);
    model.server = DoubleServer.bind(system, WHAT, model::handle);
    return model;
  }

  /** The root to give the node as {@code LLM_BASE_URL}. */
  String baseUrl() {
    return server.root() + "/v1";
  }

  long requests() {
    return requests.get();
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  /** Starts counting the most calls in flight afresh (after a warm-up). */
  void resetMaxInFlight() {
    maxInFlight.set(inFlight.get());
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Ends every held call with a 503 and unbinds. */
  @Override
  public void close() {
    closed = true;
    CompletableFuture<HttpResponse> call;
    while ((call = held.poll()) != null) {
      call.complete(DoubleServer.json(503, CLOSED));
    }
    if (server != null) {
      server.unbind(WHAT);
    }
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    // The body is not needed; it is read and dropped so the connection stays usable.
    request.discardEntityBytes(system);
    if (!request.getUri().path().endsWith("/chat/completions")) {
      return CompletableFuture.completedFuture(DoubleServer.json(404, NOT_FOUND));
    }
    requests.incrementAndGet();
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
    answer.whenComplete((response, error) -> inFlight.decrementAndGet());
    if (holding) {
      held.add(answer);
      answer.whenComplete((response, error) -> held.remove(answer));
      if (closed) {
        answer.complete(DoubleServer.json(503, CLOSED));
      }
      system
          .scheduler()
          .scheduleOnce(
              HOLD_LIMIT,
              () -> answer.complete(DoubleServer.json(503, CLOSED)),
              system.executionContext());
    } else if (latency.isZero()) {
      answer.complete(DoubleServer.json(200, ANSWER));
    } else {
      system
          .scheduler()
          .scheduleOnce(
              latency,
              () -> answer.complete(DoubleServer.json(200, ANSWER)),
              system.executionContext());
    }
    return answer;
  }
}
