package dev.parley.channel.telegram;

import com.typesafe.config.Config;
import dev.parley.async.Backoff;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Telegram's settings ({@code parley.telegram}), read once at start-up. The channel is on when a
 * bot token is set; then a webhook secret is required (without it anyone could post updates) and so
 * is the API token. {@link #toString()} never shows the bot token or the secret.
 */
public record TelegramSettings(
    String botToken,
    String webhookSecret,
    String webhookUrl,
    String apiUrl,
    boolean handleEditedMessages,
    int maxConnections,
    List<String> allowedUpdates,
    long maxBodyBytes,
    Duration requestTimeout,
    int poolMaxConnections,
    int poolMaxOpenRequests,
    int sendMaxAttempts,
    Duration sendRetryMin,
    Duration sendRetryMax,
    Duration startupRetryMin,
    Duration startupRetryMax,
    Duration webhookInfoEvery,
    Pacing pacing,
    int maxMessageChars,
    String unsupportedNotice,
    int maxReplyChars,
    String replyCutNotice) {

  /**
   * Token buckets: a rate (messages per period) and a burst, for a chat, a group, the bot; and the
   * bot's budget for "typing…" (chat actions), kept apart so that they never take a reply's turn.
   */
  public record Pacing(
      double chatPerSecond,
      int chatBurst,
      double groupPerMinute,
      int groupBurst,
      double botPerSecond,
      int botBurst,
      double typingPerSecond,
      int typingBurst) {}

  // Telegram's rule for secret_token: 1-256 characters, A-Z, a-z, 0-9, _ and -.
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{1,256}");

  public static TelegramSettings from(Config root) {
    Config c = root.getConfig("parley.telegram");
    Config p = c.getConfig("pacing");
    return new TelegramSettings(
        c.getString("bot-token").trim(),
        c.getString("webhook-secret").trim(),
        c.getString("webhook-url").trim(),
        stripTrailingSlash(c.getString("api-url").trim()),
        c.getBoolean("handle-edited-messages"),
        c.getInt("max-connections"),
        List.copyOf(c.getStringList("allowed-updates")),
        c.getBytes("max-body-bytes"),
        c.getDuration("request-timeout"),
        c.getInt("pool.max-connections"),
        c.getInt("pool.max-open-requests"),
        c.getInt("send.max-attempts"),
        c.getDuration("send.retry-min"),
        c.getDuration("send.retry-max"),
        c.getDuration("startup.retry-min"),
        c.getDuration("startup.retry-max"),
        c.getDuration("startup.webhook-info-every"),
        new Pacing(
            p.getDouble("chat-per-second"),
            p.getInt("chat-burst"),
            p.getDouble("group-per-minute"),
            p.getInt("group-burst"),
            p.getDouble("bot-per-second"),
            p.getInt("bot-burst"),
            p.getDouble("typing-per-second"),
            p.getInt("typing-burst")),
        c.getInt("max-message-chars"),
        c.getString("unsupported-notice"),
        c.getInt("max-reply-chars"),
        c.getString("reply-cut-notice"));
  }

  /** On when a bot token is configured. */
  public boolean configured() {
    return !botToken.isEmpty();
  }

  /** Retries of one part of a reply: send.max-attempts in all, send.retry-min up to retry-max. */
  public Backoff sendBackoff() {
    return Backoff.exponential(sendRetryMin, sendRetryMax, Math.max(1, sendMaxAttempts));
  }

  /** getMe and setWebhook at start-up: tried until they succeed, startup.retry-min up to max. */
  public Backoff startupBackoff() {
    return Backoff.exponential(startupRetryMin, startupRetryMax, Backoff.UNLIMITED);
  }

  public boolean registersWebhook() {
    return !webhookUrl.isEmpty();
  }

  /**
   * Throws with one clear sentence when this cannot work; {@code apiToken} is the chat API's token
   * (required once any channel is on: the node then listens beyond loopback).
   */
  public TelegramSettings validate(String apiToken) {
    if (!configured()) {
      if (registersWebhook()) {
        throw new IllegalArgumentException(
            "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_BOT_TOKEN is not");
      }
      return this;
    }
    if (webhookSecret.isEmpty()) {
      throw new IllegalArgumentException(
          "TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_BOT_TOKEN"
              + (registersWebhook() ? " and TELEGRAM_WEBHOOK_URL" : "")
              + ": without it anyone could post updates");
    }
    if (!SECRET.matcher(webhookSecret).matches()) {
      throw new IllegalArgumentException(
          "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -");
    }
    if (registersWebhook() && !webhookUrl.startsWith("https://")) {
      throw new IllegalArgumentException("TELEGRAM_WEBHOOK_URL must be an https:// URL");
    }
    if (apiUrl.isEmpty()) {
      throw new IllegalArgumentException("TELEGRAM_API_URL must not be empty");
    }
    if (apiToken == null || apiToken.isBlank()) {
      throw new IllegalArgumentException(
          "PARLEY_API_TOKEN is required once a channel (Telegram) is configured");
    }
    if (maxMessageChars < 1 || maxMessageChars > 4096) {
      throw new IllegalArgumentException("parley.telegram.max-message-chars must be 1 to 4096");
    }
    if (maxReplyChars < maxMessageChars) {
      throw new IllegalArgumentException(
          "parley.telegram.max-reply-chars must be at least max-message-chars");
    }
    if (replyCutNotice.length() > maxMessageChars) {
      throw new IllegalArgumentException(
          "parley.telegram.reply-cut-notice must fit in one message (max-message-chars)");
    }
    return this;
  }

  /** The Bot API URL of {@code method}; holds the token, so never log it. */
  String methodUrl(String method) {
    return apiUrl + "/bot" + botToken + "/" + method;
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @Override
  public String toString() {
    return "TelegramSettings[botToken="
        + (botToken.isEmpty() ? "(none)" : "(set)")
        + ", webhookSecret="
        + (webhookSecret.isEmpty() ? "(none)" : "(set)")
        + ", webhookUrl="
        + (webhookUrl.isEmpty() ? "(none)" : webhookUrl)
        + ", apiUrl="
        + apiUrl
        + ", handleEditedMessages="
        + handleEditedMessages
        + ", pacing="
        + pacing
        + "]";
  }
}
