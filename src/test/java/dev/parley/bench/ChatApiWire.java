package dev.parley.bench;

import dev.parley.bench.LoadTally.Outcome;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The chat API: {@code POST /api/v1/conversations/user:api:bench-<n>/messages} with a unique {@code
 * id}. With a wait ({@code ?wait=}), a 200 whose outcome is {@code completed} is a turn.
 */
final class ChatApiWire implements ChannelWire {
  private static final Outcome ACCEPTED = new Outcome("202 accepted", true, true, false);
  private static final Outcome DUPLICATE = new Outcome("202 duplicate", false, true, false);
  private static final Outcome NOT_WAITED = new Outcome("202 wait expired", false, true, false);
  private static final Outcome COMPLETED = new Outcome("200 completed", true, true, true);

  private final String apiRoot;
  private final int waitSeconds;
  private final String runId = Long.toString(System.currentTimeMillis(), 36);

  ChatApiWire(String apiRoot, int waitSeconds) {
    this.apiRoot = apiRoot;
    this.waitSeconds = waitSeconds;
  }

  @Override
  public HttpRequest post(long user, long sequence, Duration timeout) {
    String body =
        "{\"id\":\"bench-"
            + runId
            + "-"
            + sequence
            + "\",\"text\":\""
            + ChannelWire.text(sequence)
            + "\"}";
    String query = waitSeconds > 0 ? "?wait=" + waitSeconds : "";
    return HttpRequest.newBuilder(
            URI.create(
                apiRoot + "/api/v1/conversations/user:api:bench-" + user + "/messages" + query))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  @Override
  public Outcome classify(HttpResponse<String> response) {
    String body = response.body();
    switch (response.statusCode()) {
      case 202:
        if (body.contains("\"duplicate\"")) {
          return DUPLICATE;
        }
        return waitSeconds > 0 ? NOT_WAITED : ACCEPTED;
      case 200:
        if (body.contains("\"outcome\":\"completed\"")) {
          return COMPLETED;
        }
        // A failed or rejected message was acknowledged, but its turn is not a success.
        return new Outcome(
            body.contains("\"outcome\":\"rejected\"") ? "200 rejected" : "200 failed",
            false,
            true,
            false);
      default:
        return Workload.failureOf(response);
    }
  }

  @Override
  public String chatOf(long user) {
    return null;
  }

  @Override
  public String describe() {
    return "POST /api/v1/conversations/user:api:bench-<n>/messages"
        + (waitSeconds > 0 ? "?wait=" + waitSeconds : "");
  }
}
