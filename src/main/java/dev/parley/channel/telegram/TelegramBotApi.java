package dev.parley.channel.telegram;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.async.Stages;
import dev.parley.channel.telegram.TelegramWire.ApiResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;

/**
 * One Bot API call over pekko-http's pooled client: POST {@code /bot<token>/<method>} with a JSON
 * body, answered as an {@link ApiResponse} whatever the HTTP status (Telegram puts error_code,
 * description and retry_after in the body). A network failure or an unreadable answer completes the
 * stage exceptionally with a {@link TelegramApiException} whose message never holds the URL: the
 * URL contains the bot token. (pekko-http's pool does log it, at DEBUG for every request and at
 * WARN for a response left unread; {@link RedactingSlf4jLogger} masks the token there.)
 */
public final class TelegramBotApi {
  private final ActorSystem<?> system;
  private final TelegramSettings settings;
  private final Http http;
  private final ConnectionPoolSettings pool;
  private final LoggingAdapter poolLog;

  public TelegramBotApi(ActorSystem<?> system, TelegramSettings settings) {
    this.system = system;
    this.settings = settings;
    this.http = Http.get(system);
    this.pool =
        ConnectionPoolSettings.create(system.classicSystem())
            .withMaxConnections(settings.poolMaxConnections())
            .withMaxOpenRequests(settings.poolMaxOpenRequests())
            // A POST is never retried by the pool; our own loops decide on retries.
            .withMaxRetries(0);
    this.poolLog = system.classicSystem().log();
  }

  public ObjectNode body() {
    return TelegramWire.MAPPER.createObjectNode();
  }

  public CompletionStage<ApiResponse> call(String method, ObjectNode body) {
    HttpRequest request;
    try {
      request =
          HttpRequest.POST(settings.methodUrl(method))
              .withEntity(
                  ContentTypes.APPLICATION_JSON, TelegramWire.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException | RuntimeException e) {
      return CompletableFuture.failedFuture(
          new TelegramApiException(method + ": cannot build the request (check TELEGRAM_API_URL)"));
    }
    return Stages.on(
            system.executionContext(),
            http.singleRequest(request, http.defaultClientHttpsContext(), pool, poolLog))
        .thenCompose(response -> read(response))
        .toCompletableFuture()
        .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (answer, error) -> {
              if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                throw new TelegramApiException(
                    method
                        + ": no answer from the Bot API ("
                        + cause.getClass().getSimpleName()
                        + ")");
              }
              return answer;
            });
  }

  private CompletionStage<ApiResponse> read(HttpResponse response) {
    int status = response.status().intValue();
    return Stages.on(
            system.executionContext(),
            response.entity().toStrict(settings.requestTimeout().toMillis(), 1_048_576L, system))
        .thenApply(
            strict -> {
              try {
                ApiResponse parsed =
                    TelegramWire.MAPPER.readValue(strict.getData().toArray(), ApiResponse.class);
                if (parsed.errorCode() == null && !parsed.ok()) {
                  return new ApiResponse(
                      false, null, status, parsed.description(), parsed.parameters());
                }
                return parsed;
              } catch (IOException e) {
                // A proxy's HTML error page, say: the status is all we know.
                return new ApiResponse(
                    false, null, status, "unreadable answer (HTTP " + status + ")", null);
              }
            });
  }

  /** A Bot API call that did not get a readable answer; its message holds no URL or token. */
  public static final class TelegramApiException extends RuntimeException {
    public TelegramApiException(String message) {
      super(message, null, false, false);
    }
  }
}
