package dev.parley.channel.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.async.Backoff;
import dev.parley.async.Stages;
import dev.parley.channel.telegram.TelegramWire.ApiResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node does with the Bot API at start, in the background: learn its own id and username
 * ({@code getMe}, retried until it answers: group mentions depend on it), and when a webhook URL is
 * configured, register it ({@code setWebhook} with the secret, allowed updates and max connections,
 * never dropping pending updates, so repeating it on every node is harmless), then ask {@code
 * getWebhookInfo} at once and every {@code webhook-info-every}: its pending count and last error go
 * to the {@link TelegramHealth} the readiness detail shows, and a new error to the log. Never logs
 * a URL with the token in it.
 */
public final class TelegramBotStartup {
  private static final Logger log = LoggerFactory.getLogger(TelegramBotStartup.class);

  private final ActorSystem<?> system;
  private final TelegramBotApi api;
  private final TelegramSettings settings;
  private final TelegramHealth health;
  private final Backoff retries;
  private final AtomicReference<BotIdentity> identity = new AtomicReference<>();

  public TelegramBotStartup(
      ActorSystem<?> system, TelegramBotApi api, TelegramSettings settings, TelegramHealth health) {
    this.system = system;
    this.api = api;
    this.settings = settings;
    this.health = health;
    this.retries = settings.startupBackoff();
  }

  /** Starts the background work; returns at once. */
  public TelegramBotStartup start() {
    CompletionStage<ApiResponse> me = untilOk("getMe", api.body(), 1);
    me.thenAccept(this::learned);
    CompletionStage<?> registered = me;
    if (settings.registersWebhook()) {
      ObjectNode body = api.body();
      body.put("url", settings.webhookUrl());
      body.put("secret_token", settings.webhookSecret());
      body.put("max_connections", settings.maxConnections());
      settings.allowedUpdates().forEach(body.withArray("allowed_updates")::add);
      registered = untilOk("setWebhook", body, 1);
    }
    // With a webhook of our own, after it is set; otherwise once the token is known to work.
    registered.thenRun(this::watchWebhook);
    return this;
  }

  /** The latest Bot API status, for the readiness detail. */
  public TelegramHealth health() {
    return health;
  }

  /** The bot's identity, or null while getMe has not answered. */
  public BotIdentity identity() {
    return identity.get();
  }

  private void learned(ApiResponse answer) {
    JsonNode me = answer.result();
    BotIdentity bot = new BotIdentity(me.path("id").asLong(), me.path("username").asText(null));
    identity.set(bot);
    health.identityLearned(bot);
    log.info("telegram: bot is @{} (id {})", bot.username(), bot.id());
  }

  /** getWebhookInfo now and every webhook-info-every, for the life of the node. */
  private void watchWebhook() {
    webhookInfo();
    try {
      system
          .scheduler()
          .scheduleWithFixedDelay(
              settings.webhookInfoEvery(),
              settings.webhookInfoEvery(),
              this::webhookInfo,
              system.executionContext());
    } catch (IllegalStateException e) {
      // Shutting down: nothing left to watch.
    }
  }

  /** One getWebhookInfo; its answer (or failure) goes to the health holder, news to the log. */
  private void webhookInfo() {
    api.call("getWebhookInfo", api.body())
        .whenComplete(
            (answer, error) -> {
              if (error == null && answer.ok()) {
                report(answer);
                return;
              }
              String reason =
                  error != null
                      ? error.getClass().getSimpleName()
                      : answer.errorCode() + " " + answer.description();
              TelegramHealth.WebhookInfo before = health.webhook();
              health.webhookInfo(
                  new TelegramHealth.WebhookInfo(
                      before != null && before.set(),
                      before == null ? 0 : before.pendingUpdates(),
                      before == null ? null : before.lastError(),
                      before == null ? null : before.lastErrorAt(),
                      Instant.now(),
                      reason));
              log.warn("telegram: getWebhookInfo failed ({})", reason);
            });
  }

  private void report(ApiResponse answer) {
    JsonNode info = answer.result();
    boolean set = !info.path("url").asText("").isEmpty();
    int pending = info.path("pending_update_count").asInt();
    String error = info.path("last_error_message").asText("");
    long errorDate = info.path("last_error_date").asLong(0);
    TelegramHealth.WebhookInfo before = health.webhook();
    TelegramHealth.WebhookInfo now =
        new TelegramHealth.WebhookInfo(
            set,
            pending,
            error.isEmpty() ? null : error,
            errorDate == 0 ? null : Instant.ofEpochSecond(errorDate),
            Instant.now(),
            null);
    health.webhookInfo(now);
    // Log what is new only: the first answer, a new delivery error, a webhook gone.
    boolean newError =
        now.lastError() != null
            && (before == null
                || !now.lastError().equals(before.lastError())
                || !Objects.equals(now.lastErrorAt(), before.lastErrorAt()));
    if (newError) {
      log.warn(
          "telegram: webhook {}, {} updates pending, last delivery error ({}): {}",
          set ? "set" : "NOT set",
          pending,
          now.lastErrorAt(),
          error);
    } else if (before == null || before.set() != set) {
      if (set) {
        log.info("telegram: webhook set, {} updates pending", pending);
      } else {
        log.warn(
            "telegram: no webhook is set at Telegram, so no update arrives; set"
                + " TELEGRAM_WEBHOOK_URL or call setWebhook yourself");
      }
    }
  }

  /** Calls {@code method} until Telegram says ok, pausing by the shared {@link Backoff}. */
  private CompletionStage<ApiResponse> untilOk(String method, ObjectNode body, int attempt) {
    return api.call(method, body)
        .handle(
            (answer, error) -> {
              if (error == null && answer.ok()) {
                return CompletableFuture.completedFuture(answer);
              }
              Duration pause = retries.delay(attempt);
              if (method.equals("getMe")) {
                health.getMeFailed(
                    error != null
                        ? error.getClass().getSimpleName()
                        : answer.errorCode() + " " + answer.description());
              }
              if (error == null && answer.errorCode() != null && answer.errorCode() == 429) {
                // Telegram's retry_after is a floor: never retry sooner than it asks.
                Duration asked = Duration.ofSeconds(answer.retryAfter());
                pause = asked.compareTo(pause) > 0 ? asked : pause;
              }
              log.warn(
                  "telegram: {} failed ({}), again in {} s",
                  method,
                  error != null
                      ? error.getMessage()
                      : answer.errorCode() + " " + answer.description(),
                  pause.toSeconds());
              return retry(pause, () -> untilOk(method, body, attempt + 1));
            })
        .thenCompose(Function.identity());
  }

  private CompletionStage<ApiResponse> retry(
      Duration pause, java.util.concurrent.Callable<CompletionStage<ApiResponse>> again) {
    try {
      return Stages.on(system.executionContext(), Patterns.after(pause, system, again));
    } catch (IllegalStateException e) {
      // Shutting down: stop trying.
      return new CompletableFuture<>();
    }
  }
}
