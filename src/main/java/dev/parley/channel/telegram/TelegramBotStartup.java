package dev.parley.channel.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.channel.telegram.TelegramWire.ApiResponse;
import java.time.Duration;
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
 * never dropping pending updates, so repeating it on every node is harmless), then report {@code
 * getWebhookInfo}'s pending count and last error. Never logs a URL with the token in it.
 */
public final class TelegramBotStartup {
  private static final Logger log = LoggerFactory.getLogger(TelegramBotStartup.class);

  private final ActorSystem<?> system;
  private final TelegramBotApi api;
  private final TelegramSettings settings;
  private final AtomicReference<BotIdentity> identity = new AtomicReference<>();
  private final AtomicReference<String> webhookProblem = new AtomicReference<>();

  public TelegramBotStartup(ActorSystem<?> system, TelegramBotApi api, TelegramSettings settings) {
    this.system = system;
    this.api = api;
    this.settings = settings;
  }

  /** Starts the background work; returns at once. */
  public TelegramBotStartup start() {
    untilOk("getMe", api.body(), 1).thenAccept(this::learned);
    if (settings.registersWebhook()) {
      ObjectNode body = api.body();
      body.put("url", settings.webhookUrl());
      body.put("secret_token", settings.webhookSecret());
      body.put("max_connections", settings.maxConnections());
      settings.allowedUpdates().forEach(body.withArray("allowed_updates")::add);
      untilOk("setWebhook", body, 1)
          .thenCompose(done -> untilOk("getWebhookInfo", api.body(), 1))
          .thenAccept(this::report);
    }
    return this;
  }

  /** The bot's identity, or null while getMe has not answered. */
  public BotIdentity identity() {
    return identity.get();
  }

  /** The last problem getWebhookInfo reported, or null. */
  public String webhookProblem() {
    return webhookProblem.get();
  }

  private void learned(ApiResponse answer) {
    JsonNode me = answer.result();
    BotIdentity bot = new BotIdentity(me.path("id").asLong(), me.path("username").asText(null));
    identity.set(bot);
    log.info("telegram: bot is @{} (id {})", bot.username(), bot.id());
  }

  private void report(ApiResponse answer) {
    JsonNode info = answer.result();
    int pending = info.path("pending_update_count").asInt();
    String error = info.path("last_error_message").asText("");
    if (!error.isEmpty()) {
      webhookProblem.set(error);
      log.warn("telegram: webhook registered, {} updates pending, last error: {}", pending, error);
    } else {
      log.info("telegram: webhook registered, {} updates pending", pending);
    }
  }

  /** Calls {@code method} until Telegram says ok, with a growing pause between attempts. */
  private CompletionStage<ApiResponse> untilOk(String method, ObjectNode body, int attempt) {
    return api.call(method, body)
        .handle(
            (answer, error) -> {
              if (error == null && answer.ok()) {
                return CompletableFuture.completedFuture(answer);
              }
              Duration pause = backoff(attempt);
              if (error == null && answer.errorCode() != null && answer.errorCode() == 429) {
                pause = Duration.ofSeconds(Math.max(answer.retryAfter(), pause.toSeconds()));
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
      return Patterns.after(pause, system, again);
    } catch (IllegalStateException e) {
      // Shutting down: stop trying.
      return new CompletableFuture<>();
    }
  }

  private Duration backoff(int attempt) {
    Duration pause = settings.startupRetryMin().multipliedBy(1L << Math.min(attempt - 1, 20));
    return pause.compareTo(settings.startupRetryMax()) > 0 ? settings.startupRetryMax() : pause;
  }
}
