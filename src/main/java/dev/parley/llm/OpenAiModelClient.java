package dev.parley.llm;

import dev.parley.async.Backoff;
import dev.parley.async.Stages;
import dev.parley.text.Utf16;
import java.time.Duration;
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
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
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

  private final ActorSystem<?> system;
  private final LlmSettings settings;
  private final Backoff retries;
  private final Http http;
  private final HttpsConnectionContext httpsContext;
  private final ConnectionPoolSettings poolSettings;
  private final LoggingAdapter poolLog;
  private final String url;
  private final ModelCallGate gate;

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
  }

  /** A client on {@code system}'s HTTP extension; the settings should have been validated. */
  public static OpenAiModelClient create(ActorSystem<?> system, LlmSettings settings) {
    return new OpenAiModelClient(system, settings);
  }

  @Override
  public CompletionStage<ChatResponse> complete(ChatRequest request) {
    byte[] body;
    try {
      body = OpenAiWire.requestBody(settings.model(), request);
    } catch (IllegalArgumentException e) {
      // A broken tool schema would fail the same way on every retry.
      return CompletableFuture.failedFuture(
          new ModelException("invalid-request", e.getMessage(), false));
    }
    return attempt(body, 0);
  }

  private CompletionStage<ChatResponse> attempt(byte[] body, int attempt) {
    long started = System.nanoTime();
    log.debug("Model call to {} (model {}), attempt {}", url, settings.model(), attempt + 1);
    CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    gate.submit(
            () ->
                send(body)
                    .toCompletableFuture()
                    // The whole exchange, headers and body, must fit in the request timeout;
                    // the wait for a slot does not count.
                    .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS))
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
              if (!failure.retryable() || !retries.allowsRetryAfter(attempt + 1)) {
                log.debug("Model call failed for good with {}", failure.code());
                result.completeExceptionally(failure);
                return;
              }
              Duration pause = retries.delay(attempt + 1);
              log.warn(
                  "Model call failed with {} (attempt {} of {}), retrying in {} ms",
                  failure.code(),
                  attempt + 1,
                  settings.maxRetries() + 1,
                  pause.toMillis());
              retryLater(pause, body, attempt + 1, result);
            });
    return result;
  }

  private void retryLater(
      Duration pause, byte[] body, int attempt, CompletableFuture<ChatResponse> result) {
    try {
      Stages.on(
              system.executionContext(),
              Patterns.after(pause, system, () -> attempt(body, attempt)))
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
        .thenApply(strict -> interpret(status, strict.getData().toArray()));
  }

  private ChatResponse interpret(int status, byte[] body) {
    if (status >= 200 && status < 300) {
      return OpenAiWire.parseResponse(body);
    }
    String code = "http-" + status;
    if (status == 429 || status >= 500) {
      throw new ModelException(code, "the model server answered " + status, true);
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
