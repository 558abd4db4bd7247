package dev.parley.channel.whatsapp;

import com.typesafe.config.Config;
import dev.parley.async.Backoff;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The WhatsApp channel's settings ({@code parley.whatsapp}). The channel is on when any of the four
 * credentials is set, and then all four must be: a half-configured number would either accept
 * unauthenticated webhooks or take messages it can never answer, so it refuses to start instead.
 * {@link #toString} never shows a secret.
 */
public record WhatsAppSettings(
    String appSecret,
    String verifyToken,
    String accessToken,
    String phoneNumberId,
    String apiUrl,
    double messagesPerSecond,
    int burst,
    int maxRetries,
    Duration retryMin,
    Duration retryMax,
    Duration requestTimeout,
    int maxConnections,
    int maxOpenRequests,
    long maxWebhookBytes,
    long maxUnverifiedBytes,
    long maxResponseBytes,
    Duration typingEvery,
    int maxReplyChars,
    String replyCutNotice) {

  /** A cap below one message's worth of text would cut ordinary replies. */
  private static final int MIN_REPLY_CHARS = 4096;

  /** Reads {@code parley.whatsapp}; throws IllegalArgumentException with one clear sentence. */
  public static WhatsAppSettings from(Config root) {
    Config c = root.getConfig("parley.whatsapp");
    WhatsAppSettings s =
        new WhatsAppSettings(
            c.getString("app-secret").trim(),
            c.getString("verify-token").trim(),
            c.getString("access-token").trim(),
            c.getString("phone-number-id").trim(),
            stripTrailingSlash(c.getString("api-url")),
            c.getDouble("messages-per-second"),
            c.getInt("burst"),
            c.getInt("max-retries"),
            c.getDuration("retry-min"),
            c.getDuration("retry-max"),
            c.getDuration("request-timeout"),
            c.getInt("max-connections"),
            c.getInt("max-open-requests"),
            c.getBytes("max-webhook-bytes"),
            c.getBytes("max-unverified-bytes"),
            c.getBytes("max-response-bytes"),
            c.getDuration("typing-every"),
            c.getInt("max-reply-chars"),
            c.getString("reply-cut-notice"));
    s.validate();
    return s;
  }

  /** Retries of one part of a reply: max-retries after the first attempt, retry-min up to max. */
  public Backoff retryPolicy() {
    return Backoff.exponential(
        retryMin, retryMax, (int) Math.min(Backoff.UNLIMITED, Math.max(0, maxRetries) + 1L));
  }

  /** True when the channel is on (all credentials are set; {@link #from} refuses a partial set). */
  public boolean configured() {
    return !appSecret.isEmpty();
  }

  /**
   * Start-up check: a configured channel needs the API token, because an unset token is allowed
   * only while no channel is configured (the node then serves loopback only, and Meta could not
   * reach it).
   */
  public void requireApiToken(String apiToken) {
    if (configured() && (apiToken == null || apiToken.isBlank())) {
      throw new IllegalArgumentException(
          "PARLEY_API_TOKEN is required when a channel is configured (WhatsApp is)");
    }
  }

  /** Where replies are posted: {@code {api-url}/{phone-number-id}/messages}. */
  public String messagesUrl() {
    return apiUrl + "/" + phoneNumberId + "/messages";
  }

  private void validate() {
    List<String> set = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    sort(appSecret, "WHATSAPP_APP_SECRET", set, missing);
    sort(verifyToken, "WHATSAPP_VERIFY_TOKEN", set, missing);
    sort(accessToken, "WHATSAPP_ACCESS_TOKEN", set, missing);
    sort(phoneNumberId, "WHATSAPP_PHONE_NUMBER_ID", set, missing);
    if (!set.isEmpty() && !missing.isEmpty()) {
      throw new IllegalArgumentException(
          "WhatsApp is partly configured: "
              + String.join(", ", set)
              + (set.size() == 1 ? " is" : " are")
              + " set but "
              + String.join(", ", missing)
              + (missing.size() == 1 ? " is" : " are")
              + " not (set all four, or none to switch WhatsApp off)");
    }
    if (!phoneNumberId.isEmpty() && !phoneNumberId.matches("[0-9A-Za-z_-]+")) {
      throw new IllegalArgumentException("WHATSAPP_PHONE_NUMBER_ID must be the number's id");
    }
    URI uri;
    try {
      uri = URI.create(apiUrl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("WHATSAPP_API_URL is not a URL: " + apiUrl);
    }
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
      throw new IllegalArgumentException("WHATSAPP_API_URL must start with https:// or http://");
    }
    if (messagesPerSecond <= 0 || burst < 1 || maxRetries < 0 || maxConnections < 1) {
      throw new IllegalArgumentException(
          "parley.whatsapp: messages-per-second and max-connections must be positive, burst at"
              + " least 1, max-retries not negative");
    }
    if (maxWebhookBytes < 1 || maxUnverifiedBytes < maxWebhookBytes) {
      // A budget below one body's cap would refuse a legitimate delivery of that size forever.
      throw new IllegalArgumentException(
          "parley.whatsapp.max-unverified-bytes must be at least max-webhook-bytes (and that"
              + " positive)");
    }
    if (maxReplyChars < MIN_REPLY_CHARS) {
      throw new IllegalArgumentException(
          "parley.whatsapp.max-reply-chars must be at least " + MIN_REPLY_CHARS);
    }
    if (Integer.bitCount(maxOpenRequests) != 1) {
      throw new IllegalArgumentException(
          "parley.whatsapp.max-open-requests must be a power of two");
    }
  }

  private static void sort(String value, String name, List<String> set, List<String> missing) {
    (value.isEmpty() ? missing : set).add(name);
  }

  private static String stripTrailingSlash(String url) {
    String trimmed = url.strip();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed;
  }

  @Override
  public String toString() {
    return "WhatsAppSettings[appSecret="
        + mask(appSecret)
        + ", verifyToken="
        + mask(verifyToken)
        + ", accessToken="
        + mask(accessToken)
        + ", phoneNumberId="
        + phoneNumberId
        + ", apiUrl="
        + apiUrl
        + ", messagesPerSecond="
        + messagesPerSecond
        + ", burst="
        + burst
        + ", maxRetries="
        + maxRetries
        + "]";
  }

  private static String mask(String secret) {
    return secret.isEmpty() ? "(none)" : "(set)";
  }
}
