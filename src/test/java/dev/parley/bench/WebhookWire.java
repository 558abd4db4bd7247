package dev.parley.bench;

import dev.parley.bench.LoadTally.Outcome;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A channel's webhook: a JSON body in the channel's format, posted to the node's webhook path with
 * the header that authenticates it, computed over the exact bytes sent. A 200 means the node stored
 * the receipt (it answers only then); anything else is a failure the channel would retry.
 */
abstract class WebhookWire implements ChannelWire {
  private static final Outcome STORED = new Outcome("200 stored", true, true, false);

  private final URI uri;
  private final String authHeader;

  WebhookWire(String apiRoot, String path, String authHeader) {
    this.uri = URI.create(apiRoot + path);
    this.authHeader = authHeader;
  }

  /** The update's JSON. */
  abstract String body(long user, long sequence);

  /** The value of the authenticating header for these exact bytes. */
  abstract String authenticate(byte[] body);

  @Override
  public final HttpRequest post(long user, long sequence, Duration timeout) {
    byte[] body = body(user, sequence).getBytes(StandardCharsets.UTF_8);
    return HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header(authHeader, authenticate(body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  @Override
  public final Outcome classify(HttpResponse<String> response) {
    return response.statusCode() == 200 ? STORED : Workload.failureOf(response);
  }

  @Override
  public String describe() {
    return "POST " + uri.getPath() + " (" + authHeader + ")";
  }
}
