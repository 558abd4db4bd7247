package dev.parley.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.channel.api.ApiMessageParser;
import dev.parley.channel.api.BadRequest;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.MessageOutcome;
import dev.parley.conversation.ConversationKey;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.InboundMessage;
import dev.parley.metrics.Metrics;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat API ({@code /api/v1/conversations/{key}}): post a message, read a conversation, erase
 * one. A message is acknowledged (202) only after its receipt is persisted; with {@code ?wait} the
 * request is held until the message's turn is over, up to a cap.
 */
public final class ChatApiRoutes {
  private static final Logger log = LoggerFactory.getLogger(ChatApiRoutes.class);
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 200;
  // The chat API counts in parley_webhooks_total like a channel.
  private static final String CHANNEL = "api";

  private final Conversations conversations;
  private final HttpSettings settings;
  private final ApiMessageParser parser;
  private final ApiAuth auth;
  private final Metrics metrics;

  public ChatApiRoutes(
      Conversations conversations, HttpSettings settings, int maxTextChars, Metrics metrics) {
    this.conversations = conversations;
    this.metrics = metrics;
    this.settings = settings;
    this.parser = new ApiMessageParser(maxTextChars);
    this.auth = new ApiAuth(settings.apiToken());
  }

  public Route route() {
    return pathPrefix(
        "api",
        () ->
            pathPrefix(
                "v1",
                () ->
                    pathPrefix(
                        "conversations",
                        () ->
                            pathPrefix(
                                segment(),
                                rawKey ->
                                    auth.require(
                                        () ->
                                            concat(
                                                pathEnd(
                                                    () ->
                                                        concat(
                                                            get(() -> read(rawKey)),
                                                            delete(() -> erase(rawKey)))),
                                                path(
                                                    "messages",
                                                    () -> post(() -> postMessage(rawKey)))))))));
  }

  private Route postMessage(String rawKey) {
    return parameterOptional(
        "wait",
        waitParam ->
            extractMaterializer(
                materializer ->
                    extractRequestEntity(
                        entity ->
                            completeWithFuture(
                                RequestBodies.read(
                                        entity,
                                        settings.askTimeout().toMillis(),
                                        settings.maxBodyBytes(),
                                        materializer)
                                    .handle(
                                        (body, error) ->
                                            error != null
                                                ? CompletableFuture.completedFuture(
                                                    counted(
                                                        ApiErrors.bodyError(
                                                            error, settings.maxBodyBytes())))
                                                : acceptMessage(rawKey, waitParam, body))
                                    .thenCompose(Function.identity())))));
  }

  private CompletionStage<HttpResponse> acceptMessage(
      String rawKey, Optional<String> waitParam, byte[] body) {
    ConversationKey key;
    InboundMessage message;
    Duration wait;
    try {
      key = parseKey(rawKey);
      wait = parseWait(waitParam);
      message = parser.parse(body);
    } catch (BadRequest e) {
      return CompletableFuture.completedFuture(counted(ApiErrors.badRequest(e)));
    }
    return conversations
        .accept(key, message)
        .thenCompose(
            accepted -> {
              metrics.webhook(CHANNEL, accepted.duplicate() ? "duplicate" : "accepted");
              return wait.isZero()
                  ? CompletableFuture.completedFuture(acceptedResponse(accepted))
                  : conversations
                      .awaitOutcome(key, accepted.messageId(), wait)
                      .handle((outcome, error) -> waited(accepted, outcome, error));
            })
        .exceptionally(error -> counted(ApiErrors.fromAsk(error)));
  }

  /**
   * Counts a post that got no receipt, by its answer: 503 (retry later) is {@code unavailable},
   * another 4xx {@code invalid}, anything else {@code error}. Counted like a channel's webhook.
   */
  private HttpResponse counted(HttpResponse response) {
    int status = response.status().intValue();
    String outcome =
        status == 503 ? "unavailable" : status >= 400 && status < 500 ? "invalid" : "error";
    metrics.webhook(CHANNEL, outcome);
    return response;
  }

  private HttpResponse waited(Accepted accepted, MessageOutcome outcome, Throwable error) {
    if (error == null) {
      ObjectNode body = acceptedBody(accepted);
      body.put("outcome", outcome.outcome());
      body.putObject("reply").put("text", outcome.replyText());
      return JsonResponses.json(StatusCodes.OK, body);
    }
    if (ApiErrors.code(error).equals("too-many-waiting")) {
      return ApiErrors.fromAsk(error);
    }
    // The deadline passed, or the entity moved, passivated or was erased meanwhile: the
    // message is safely accepted, so the answer is the plain 202.
    return acceptedResponse(accepted);
  }

  private Route read(String rawKey) {
    return parameterOptional(
        "limit",
        limitParam ->
            parameterOptional(
                "before",
                beforeParam -> {
                  try {
                    ConversationKey key = parseKey(rawKey);
                    int limit = parseInt(limitParam, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
                    long before = parseInt(beforeParam, "before", 0, 1, Integer.MAX_VALUE);
                    return completeWithFuture(
                        conversations
                            .view(key, limit, before)
                            .thenApply(
                                view ->
                                    JsonResponses.json(StatusCodes.OK, ConversationJson.of(view)))
                            .exceptionally(error -> readFailed(key, error)));
                  } catch (BadRequest e) {
                    return complete(ApiErrors.badRequest(e));
                  }
                }));
  }

  /**
   * A read that failed. The entity's answers (a timeout, an error code) map as for any ask; any
   * other failure comes from reading older turns from the journal (the database is unreachable),
   * which is as transient as a journal write: 503 with {@code Retry-After}, not a 500.
   */
  private static HttpResponse readFailed(ConversationKey key, Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof TimeoutException || cause instanceof StatusReply.ErrorMessage) {
      return ApiErrors.fromAsk(cause);
    }
    log.warn("{}: reading older turns from the journal failed: {}", key.value(), cause.toString());
    return JsonResponses.error(
            StatusCodes.SERVICE_UNAVAILABLE,
            "history-unavailable",
            "Older turns cannot be read from storage now; please retry.")
        .addHeader(RetryAfter.create(1L));
  }

  private Route erase(String rawKey) {
    try {
      ConversationKey key = parseKey(rawKey);
      return completeWithFuture(
          conversations
              .erase(key)
              .thenApply(done -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT))
              .exceptionally(ApiErrors::fromAsk));
    } catch (BadRequest e) {
      return complete(ApiErrors.badRequest(e));
    }
  }

  private static ConversationKey parseKey(String raw) {
    try {
      return ConversationKey.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new BadRequest("bad-key", e.getMessage() + ".");
    }
  }

  private Duration parseWait(Optional<String> waitParam) {
    long seconds = parseInt(waitParam, "wait", 0, 0, Integer.MAX_VALUE);
    Duration wait = Duration.ofSeconds(seconds);
    return wait.compareTo(settings.maxWait()) > 0 ? settings.maxWait() : wait;
  }

  private static int parseInt(Optional<String> raw, String name, int absent, int min, int max) {
    if (raw.isEmpty()) {
      return absent;
    }
    try {
      int value = Integer.parseInt(raw.get().trim());
      if (value < min || value > max) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new BadRequest(
          "bad-" + name,
          "The parameter \"" + name + "\" must be a whole number from " + min + " to " + max + ".");
    }
  }

  private static ObjectNode acceptedBody(Accepted accepted) {
    ObjectNode body = JsonResponses.MAPPER.createObjectNode();
    body.put("messageId", accepted.messageId());
    body.put("status", accepted.duplicate() ? "duplicate" : "accepted");
    return body;
  }

  private static HttpResponse acceptedResponse(Accepted accepted) {
    return JsonResponses.json(StatusCodes.ACCEPTED, acceptedBody(accepted));
  }
}
