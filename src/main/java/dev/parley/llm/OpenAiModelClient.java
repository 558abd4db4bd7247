package dev.parley.llm;

import dev.parley.async.Backoff;
import dev.parley.async.Stages;
import dev.parley.text.Utf16;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.CircuitBreaker;
import org.apache.pekko.pattern.CircuitBreakerOpenException;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ModelClient} for any OpenAI-compatible chat-completions server, on pekko-http's
 * non-blocking client with a pool sized from {@link LlmSettings}. Every attempt is bounded by the
 * request timeout and always reads or discards the response entity, so a pool connection is never
 * left hanging; retryable failures are tried again with the shared {@link Backoff} (from
 * max-retries and retry-backoff, with jitter) on the actor system's scheduler.
 */
public final class OpenAiModelClient implements ModelClient {
  private static final Logger log = LoggerFactory.getLogger(OpenAiModelClient.class);

  /** Enough of a server's error text to diagnose a 4xx without flooding the log or a notice. */
  private static final int MAX_ERROR_CHARS = 200;

  /** The code of a call that found the breaker open: the server keeps failing. */
  static final String UNAVAILABLE = "model-unavailable";

  private final ActorSystem<?> system;
  private final LlmSettings settings;
  private final Backoff retries;
  private final Http http;
  private final HttpsConnectionContext httpsContext;
  private final ConnectionPoolSettings poolSettings;
  private final LoggingAdapter poolLog;
  private final String url;
  private final ModelCallGate gate;
  private final CircuitBreaker breaker;

  private OpenAiModelClient(ActorSystem<?> system, LlmSettings settings) {
    this.system = system;
    this.settings = settings;
    this.retries = settings.retryPolicy();
    this.http = Http.get(system);
    this.httpsContext = http.defaultClientHttpsContext();
    this.poolSettings =
        ConnectionPoolSettings.create(system.classicSystem())
            .withMaxConnections(settings.maxConnections())
            .withMaxOpenRequests(settings.maxOpenRequests())
            // The pool never retries a POST anyway; zero says that our retry loop is the only
            // one, so maxRetries means what it says.
            .withMaxRetries(0);
    this.poolLog = system.classicSystem().log();
    this.url = stripTrailingSlash(settings.baseUrl()) + "/chat/completions";
    // As many requests at once as the pool has connections: the pool's own queue then never
    // overflows, and a call beyond them waits here for its turn.
    this.gate =
        new ModelCallGate(
            settings.maxConnections(), settings.maxQueueWait(), system.executionContext());
    // Its own call timeout only backs up the request timeout, which fails the call first.
    this.breaker =
        CircuitBreaker.create(
                system.classicSystem().scheduler(),
                settings.breakerMaxFailures(),
                settings.requestTimeout().plusSeconds(1),
                settings.breakerResetTimeout())
            .withExponentialBackoff(settings.breakerMaxResetTimeout())
            .withRandomFactor(0.2)
            .addOnOpenListener(
                () ->
                    log.warn(
                        "Model server at {} keeps failing: calls wait (circuit breaker open) and"
                            + " try again after a pause",
                        url))
            .addOnCloseListener(() -> log.info("Model server at {} answers again", url));
  }

  /** A client on {@code system}'s HTTP extension; the settings should have been validated. */
  public static OpenAiModelClient create(ActorSystem<?> system, LlmSettings settings) {
    return new OpenAiModelClient(system, settings);
  }

  @Override
  public CompletionStage<ChatResponse> complete(ChatRequest request) {
    byte[] body;
    try {
      body = OpenAiWire.requestBody(settings.model(), settings.sampling(), request);
    } catch (IllegalArgumentException e) {
      // A broken tool schema would fail the same way on every retry.
      return CompletableFuture.failedFuture(
          new ModelException("invalid-request", e.getMessage(), false));
    }
    return attempt(body, 0, System.nanoTime());
  }

  private CompletionStage<ChatResponse> attempt(byte[] body, int attempt, long firstStarted) {
    long started = System.nanoTime();
    log.debug("Model call to {} (model {}), attempt {}", url, settings.model(), attempt + 1);
    CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    gate.submit(
            () ->
                Stages.on(
                    system.executionContext(),
                    breaker.callWithCircuitBreakerCS(
                        () ->
                            send(body)
                                .toCompletableFuture()
                                // The whole exchange, headers and body, must fit in the request
                                // timeout; the wait for a slot does not count.
                                .orTimeout(
                                    settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS),
                        (response, error) -> error.map(OpenAiModelClient::isOutage).orElse(false))))
        .whenComplete(
            (response, error) -> {
              if (error == null) {
                log.debug(
                    "Model answered in {} ms (finish reason {}, {} tool calls)",
                    elapsedMillis(started),
                    response.finishReason(),
                    response.toolCalls().size());
                result.complete(response);
                return;
              }
              ModelException failure = toModelException(error);
              Optional<Duration> pause = pauseBefore(failure, attempt + 1, firstStarted);
              if (pause.isEmpty()) {
                log.debug("Model call failed for good with {}", failure.code());
                result.completeExceptionally(failure);
                return;
              }
              if (retries.allowsRetryAfter(attempt + 1) && !failure.code().equals(UNAVAILABLE)) {
                log.warn(
                    "Model call failed with {} (attempt {} of {}), retrying in {} ms",
                    failure.code(),
                    attempt + 1,
                    settings.maxRetries() + 1,
                    pause.get().toMillis());
              } else {
                // Waiting out an outage: the breaker says so once, not every call each time.
                log.debug(
                    "Model call failed with {} (attempt {}), waiting {} ms for the server",
                    failure.code(),
                    attempt + 1,
                    pause.get().toMillis());
              }
              retryLater(pause.get(), body, attempt + 1, firstStarted, result);
            });
    return result;
  }

  /**
   * The pause before retry {@code n} of a call, or empty when it has had its chances: the quick
   * retries (max-retries, doubling from retry-backoff), then, while the server looks down or
   * overloaded, more of them until outage-wait after the first attempt, each at least the server's
   * Retry-After or the breaker's remaining time.
   */
  private Optional<Duration> pauseBefore(ModelException failure, int n, long firstStarted) {
    if (!failure.retryable()) {
      return Optional.empty();
    }
    Duration jittered = retries.delay(n);
    Duration backoff =
        jittered.compareTo(settings.breakerMaxResetTimeout()) > 0
            ? settings.breakerMaxResetTimeout()
            : jittered;
    Duration pause =
        failure.retryAfter().filter(asked -> asked.compareTo(backoff) > 0).orElse(backoff);
    Duration waited = Duration.ofNanos(System.nanoTime() - firstStarted);
    boolean quick = retries.allowsRetryAfter(n) && !failure.code().equals(UNAVAILABLE);
    boolean withinOutage = waited.plus(pause).compareTo(settings.outageWait()) <= 0;
    return quick || withinOutage ? Optional.of(pause) : Optional.empty();
  }

  /** What the breaker counts: the server failing or overloaded, not a request it refused. */
  private static boolean isOutage(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof ModelException e) {
      return e.code().equals("http-429")
          || e.code().startsWith("http-5")
          || e.code().equals("connection");
    }
    return !(cause instanceof EntityStreamSizeException);
  }

  private void retryLater(
      Duration pause,
      byte[] body,
      int attempt,
      long firstStarted,
      CompletableFuture<ChatResponse> result) {
    try {
      Stages.on(
              system.executionContext(),
              Patterns.after(pause, system, () -> attempt(body, attempt, firstStarted)))
          .whenComplete(
              (retried, retryError) -> {
                if (retryError == null) {
                  result.complete(retried);
                } else {
                  result.completeExceptionally(toModelException(retryError));
                }
              });
    } catch (IllegalStateException e) {
      // The scheduler refuses new timers while the actor system shuts down.
      result.completeExceptionally(
          new ModelException("connection", "shutting down, no retry of the model call", false));
    }
  }

  /** One HTTP exchange: the response is always read to the end (or cancelled), never left. */
  private CompletionStage<ChatResponse> send(byte[] body) {
    HttpRequest request;
    try {
      request = HttpRequest.POST(url).withEntity(ContentTypes.APPLICATION_JSON, body);
    } catch (RuntimeException e) {
      // A base-url that is no URI fails the same way every time: report it, don't retry.
      return CompletableFuture.failedFuture(
          new ModelException("invalid-request", "bad model server URL: " + describe(e), false));
    }
    if (!settings.apiKey().isEmpty()) {
      request = request.addHeader(Authorization.oauth2(settings.apiKey()));
    }
    return Stages.on(
            system.executionContext(),
            http.singleRequest(request, httpsContext, poolSettings, poolLog))
        .exceptionally(
            error -> {
              throw new ModelException(
                  "connection", "cannot reach the model server: " + describe(error), true);
            })
        .thenCompose(this::read);
  }

  private CompletionStage<ChatResponse> read(HttpResponse response) {
    int status = response.status().intValue();
    // toStrict consumes the entity even when the answer is an error, which frees the pooled
    // connection; its own timeout and size limit cover a server that trickles or floods.
    return Stages.on(
            system.executionContext(),
            response
                .entity()
                .toStrict(
                    settings.requestTimeout().toMillis(), settings.maxResponseBytes(), system))
        .thenApply(
            strict ->
                interpret(
                    status,
                    response.getHeader("Retry-After").map(HttpHeader::value),
                    strict.getData().toArray()));
  }

  private ChatResponse interpret(int status, Optional<String> retryAfter, byte[] body) {
    if (status >= 200 && status < 300) {
      return OpenAiWire.parseResponse(body).from(settings.model());
    }
    String code = "http-" + status;
    if (status == 429 || status >= 500) {
      throw new ModelException(
          code,
          "the model server answered " + status,
          true,
          retryAfter.flatMap(RetryAfterValue::parse).orElse(null));
    }
    // Some servers quote the key they rejected; it must not reach a log, a notice or the journal.
    // Masked before the cut: a cut through the key would leave a prefix that no longer matches.
    String serverMessage = OpenAiWire.errorMessage(body, Integer.MAX_VALUE);
    if (!settings.apiKey().isEmpty()) {
      serverMessage = serverMessage.replace(settings.apiKey(), "***");
    }
    serverMessage = Utf16.cut(serverMessage, MAX_ERROR_CHARS, "…");
    throw new ModelException(
        code, "the model server answered " + status + ": " + serverMessage, false);
  }

  private ModelException toModelException(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof ModelException e) {
      return e;
    }
    if (cause instanceof CircuitBreakerOpenException open) {
      return new ModelException(
          UNAVAILABLE,
          "the model server keeps failing; calls wait for it (circuit breaker open)",
          true,
          Duration.ofMillis(open.remainingDuration().toMillis()));
    }
    if (cause instanceof TimeoutException) {
      return new ModelException(
          "timeout",
          "the model server did not answer within " + settings.requestTimeout().toMillis() + " ms",
          true);
    }
    if (cause instanceof EntityStreamSizeException) {
      return new ModelException(
          "unreadable",
          "the model server's answer is larger than " + settings.maxResponseBytes() + " bytes",
          true);
    }
    return new ModelException(
        "connection", "the exchange with the model server failed: " + describe(cause), true);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The exception's class and message: enough to diagnose, and no request data is in it. */
  private static String describe(Throwable error) {
    Throwable cause = unwrap(error);
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")");
  }

  private static long elapsedMillis(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  private static String stripTrailingSlash(String baseUrl) {
    String trimmed = baseUrl.strip();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed;
  }
}
