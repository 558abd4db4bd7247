package dev.parley.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.channel.telegram.BotIdentity;
import dev.parley.channel.telegram.TelegramAction;
import dev.parley.channel.telegram.TelegramBotApi;
import dev.parley.channel.telegram.TelegramSettings;
import dev.parley.channel.telegram.TelegramUpdateReader;
import dev.parley.channel.telegram.TelegramWire;
import dev.parley.channel.telegram.TelegramWire.Update;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.InboundMessage;
import dev.parley.metrics.Metrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/telegram}: checks the secret header in constant time (401, nothing
 * recorded), reads the update, and answers 200 only once the conversation has stored what the
 * update means (receipt, rejection or note); when it cannot now, 503 with {@code Retry-After}, and
 * Telegram delivers the same update again (its id makes that safe). Updates Parley deliberately
 * does not act on, cannot read, or refuses for good, get 200, or Telegram would retry them for a
 * day. The bot's start-up calls (getMe, setWebhook) are not the route's business: {@code
 * TelegramBot} runs them and hands the route its Bot API client and the bot's identity.
 */
public final class TelegramWebhookRoutes {
  private static final Logger log = LoggerFactory.getLogger(TelegramWebhookRoutes.class);
  private static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
  // The same words as WhatsApp's notice for a text over max-text-chars.
  private static final String TOO_LONG = "That message is too long for me. Please send it shorter.";

  private final Conversations conversations;
  private final TelegramSettings settings;
  private final TelegramUpdateReader reader;
  private final TelegramBotApi api;
  private final Supplier<BotIdentity> identity;
  private final HttpSettings http;
  private final Metrics metrics;
  private final MinuteTally unreadable =
      new MinuteTally(
          "telegram: unreadable updates ignored (answered 200, counted as ignored)",
          log::info,
          System::nanoTime);

  private final MinuteTally misread =
      new MinuteTally(
          "telegram: updates Parley failed to read, a bug (answered 200, counted as error)",
          log::warn,
          System::nanoTime);

  public TelegramWebhookRoutes(
      Conversations conversations,
      TelegramSettings settings,
      TelegramBotApi api,
      Supplier<BotIdentity> identity,
      HttpSettings http,
      Metrics metrics) {
    this.conversations = conversations;
    this.metrics = metrics;
    this.settings = settings;
    this.reader = TelegramUpdateReader.of(settings);
    this.api = api;
    this.identity = identity;
    this.http = http;
  }

  /** The route of a node without a bot token: it says that Telegram is off. */
  public static Route off() {
    return pathPrefix("webhooks", () -> path("telegram", () -> complete(notConfigured())));
  }

  public Route route() {
    return pathPrefix(
        "webhooks",
        () ->
            path(
                "telegram",
                () ->
                    post(
                        () ->
                            optionalHeaderValueByName(
                                SECRET_HEADER,
                                secret ->
                                    authorized(secret.orElse(null))
                                        ? readBody()
                                        : complete(counted(unauthorized(), "accepted"))))));
  }

  private boolean authorized(String given) {
    return given != null
        && MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8),
            settings.webhookSecret().getBytes(StandardCharsets.UTF_8));
  }

  private Route readBody() {
    return extractMaterializer(
        materializer ->
            extractRequestEntity(
                entity ->
                    completeWithFuture(
                        RequestBodies.read(
                                entity,
                                http.askTimeout().toMillis(),
                                settings.maxBodyBytes(),
                                materializer)
                            .handle(
                                (body, error) ->
                                    error != null
                                        ? CompletableFuture.completedFuture(
                                            counted(
                                                ApiErrors.bodyError(error, settings.maxBodyBytes()),
                                                "accepted"))
                                        : handle(body))
                            .thenCompose(Function.identity()))));
  }

  private CompletionStage<HttpResponse> handle(byte[] body) {
    Update update;
    TelegramAction action;
    try {
      update = TelegramWire.parseUpdate(body);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      return done(counted(unreadable(e), "ignored"));
    }
    try {
      action = reader.read(update, identity.get());
    } catch (RuntimeException | StackOverflowError e) {
      // A readable update Parley failed to understand is a bug of ours, not the sender's: 200
      // all the same (a 5xx would hold the chat's later updates behind it for a day), but
      // counted as an error and logged at WARN (once a minute), so that it is seen and fixed.
      log.debug("telegram: update {} could not be read", update.updateId(), e);
      misread.add(e.getClass().getSimpleName());
      return done(counted(ok(), "error"));
    }
    log.debug("telegram: update {} -> {}", update.updateId(), action.getClass().getSimpleName());
    // What a 200 means for the metrics: the update's kind, or what the conversation said.
    AtomicReference<String> outcome = new AtomicReference<>("accepted");
    CompletionStage<?> stored;
    if (action instanceof TelegramAction.Accept accept) {
      stored =
          conversations
              .accept(accept.key(), accept.message())
              .thenApply(
                  accepted -> {
                    outcome.set(accepted.duplicate() ? "duplicate" : "accepted");
                    return accepted;
                  });
    } else if (action instanceof TelegramAction.Reject reject) {
      outcome.set("rejected");
      stored =
          conversations.reject(
              reject.key(), reject.messageId(), reject.reason(), reject.notice(), reject.address());
    } else if (action instanceof TelegramAction.Note note) {
      // Keyed by the update id: a retried update (Telegram redelivers) is noted once.
      stored =
          conversations.note(note.key(), "tg:" + update.updateId(), note.kind(), note.detail());
    } else if (action instanceof TelegramAction.ButtonPress press) {
      answerCallback(press.callbackQueryId());
      // A press on an expired button or by another user is answered too: it just counts
      // for nothing (the conversation says which).
      stored = conversations.pressButton(press.key(), press.data(), press.userId());
    } else if (action instanceof TelegramAction.AwaitBotIdentity) {
      return done(
          counted(
              unavailable("bot-unknown", "The bot's identity is not known yet; please retry."),
              "accepted"));
    } else {
      return done(counted(ok(), "ignored"));
    }
    return stored
        .handle(
            (result, error) -> {
              if (error == null) {
                return done(ok());
              }
              if (ApiErrors.code(error).equals("text-too-long")) {
                outcome.set("rejected");
              }
              return notStored(update, action, error);
            })
        .thenCompose(Function.identity())
        .thenApply(response -> counted(response, outcome.get()));
  }

  /**
   * An authenticated body that is not an update Parley can read (not JSON, nested past the cap, of
   * the wrong shape, or one the reader fails on) is answered 200 like any ignored update: Telegram
   * retries anything else for a day and holds the chat's later updates behind it. Logged without
   * the body: the detail at DEBUG, a tally at most once a minute at INFO.
   */
  private HttpResponse unreadable(Throwable error) {
    log.debug("telegram: unreadable update ignored: {}", error.toString());
    unreadable.add(error.getClass().getSimpleName());
    return ok();
  }

  /** Counts the delivery in {@code parley_webhooks_total} and returns the answer unchanged. */
  private HttpResponse counted(HttpResponse response, String whenOk) {
    metrics.webhook("tg", WebhookOutcome.of(response, whenOk));
    return response;
  }

  /**
   * An update the conversation refused. A refusal of the content itself is permanent: a 503 would
   * have Telegram redeliver the update for a day, and hold back the chat's later updates meanwhile.
   * A text over {@code max-text-chars} (which may be set below Telegram's 4096) is therefore
   * recorded as a rejection with a notice, like a sticker, and answered 200. Anything else (no
   * answer in time, the journal down, an erasure in progress) is transient: 503, Telegram retries.
   */
  private CompletionStage<HttpResponse> notStored(
      Update update, TelegramAction action, Throwable error) {
    if (ApiErrors.code(error).equals("text-too-long")
        && action instanceof TelegramAction.Accept accept) {
      InboundMessage message = accept.message();
      log.info("telegram: update {} is too long, answered with a notice", update.updateId());
      return conversations
          .reject(accept.key(), message.messageId(), "too-long", TOO_LONG, message.address())
          .handle(
              (result, rejectError) ->
                  rejectError == null ? ok() : retryLater(update, rejectError));
    }
    return done(retryLater(update, error));
  }

  private static HttpResponse retryLater(Update update, Throwable error) {
    log.info(
        "telegram: update {} not stored now ({}), Telegram will retry",
        update.updateId(),
        ApiErrors.code(error));
    return unavailable("busy", "The conversation could not store this update now; please retry.");
  }

  /** Best effort and at once: Telegram shows a spinner on the button until it is answered. */
  private void answerCallback(String callbackQueryId) {
    if (callbackQueryId == null) {
      return;
    }
    ObjectNode body = api.body();
    body.put("callback_query_id", callbackQueryId);
    api.call("answerCallbackQuery", body)
        .whenComplete(
            (answer, error) -> {
              if (error != null || !answer.ok()) {
                log.debug("telegram: answerCallbackQuery did not succeed");
              }
            });
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  private static HttpResponse ok() {
    ObjectNode body = JsonResponses.MAPPER.createObjectNode();
    body.put("ok", true);
    return JsonResponses.json(StatusCodes.OK, body);
  }

  private static HttpResponse unavailable(String code, String message) {
    return JsonResponses.error(StatusCodes.SERVICE_UNAVAILABLE, code, message)
        .addHeader(RetryAfter.create(1L));
  }

  private static HttpResponse unauthorized() {
    return JsonResponses.error(
        StatusCodes.UNAUTHORIZED,
        "unauthorized",
        "The Telegram secret header is missing or wrong.");
  }

  private static HttpResponse notConfigured() {
    return JsonResponses.error(
        StatusCodes.NOT_FOUND,
        "telegram-off",
        "Telegram is not configured on this node (set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET).");
  }
}
