package dev.parley.bench;

import dev.parley.bench.LoadTally.Outcome;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chat API posts, {@code POST /api/v1/conversations/user:api:bench-<n>/messages} with a unique
 * {@code id}, to conversations picked uniformly, or with skew: 10 % of the conversations get 90 %
 * of the messages. With a wait ({@code ?wait=}), a 200 whose outcome is {@code completed} is a
 * turn.
 */
final class MessagePosts implements Workload {
  private static final Outcome ACCEPTED = new Outcome("202 accepted", true, true, false);
  private static final Outcome DUPLICATE = new Outcome("202 duplicate", false, true, false);
  private static final Outcome NOT_WAITED = new Outcome("202 wait expired", false, true, false);
  private static final Outcome COMPLETED = new Outcome("200 completed", true, true, true);

  private final String apiRoot;
  private final int conversations;
  private final boolean skew;
  private final int waitSeconds;
  private final Duration timeout;
  private final String runId = Long.toString(System.currentTimeMillis(), 36);
  private final AtomicLong sequence = new AtomicLong();

  MessagePosts(String apiRoot, int conversations, boolean skew, int waitSeconds, Duration timeout) {
    this.apiRoot = apiRoot;
    this.conversations = conversations;
    this.skew = skew;
    this.waitSeconds = waitSeconds;
    this.timeout = timeout;
  }

  @Override
  public HttpRequest next() {
    long n = sequence.incrementAndGet();
    String body =
        "{\"id\":\"bench-"
            + runId
            + "-"
            + n
            + "\",\"text\":\"benchmark message "
            + n
            + ": about as long as a short chat line\"}";
    String query = waitSeconds > 0 ? "?wait=" + waitSeconds : "";
    return HttpRequest.newBuilder(
            URI.create(
                apiRoot
                    + "/api/v1/conversations/user:api:bench-"
                    + conversation()
                    + "/messages"
                    + query))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** Uniform, or with skew the first tenth of the conversations takes 90 % of the messages. */
  private int conversation() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (!skew) {
      return random.nextInt(conversations);
    }
    int hot = conversations / 10;
    return random.nextDouble() < 0.9
        ? random.nextInt(hot)
        : hot + random.nextInt(conversations - hot);
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
}
