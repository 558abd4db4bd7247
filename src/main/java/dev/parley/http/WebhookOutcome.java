package dev.parley.http;

import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The outcome label of {@code parley_webhooks_total} for a channel's delivery: what the handler
 * says for a success ({@code accepted}, {@code duplicate}, {@code rejected}, {@code ignored}),
 * otherwise read from the status the channel was answered with.
 */
final class WebhookOutcome {
  private WebhookOutcome() {}

  static String of(HttpResponse response, String whenOk) {
    int status = response.status().intValue();
    if (status < 300) {
      return whenOk;
    }
    if (status == 401 || status == 403) {
      return "unauthorized";
    }
    if (status == 429 || status == 503) {
      return "unavailable";
    }
    if (status >= 500) {
      return "error";
    }
    return "invalid";
  }
}
