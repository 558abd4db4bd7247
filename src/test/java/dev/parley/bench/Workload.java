package dev.parley.bench;

import dev.parley.bench.LoadTally.Outcome;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletionStage;

/**
 * What the load generator sends and how it judges the outcome: one request each time it is asked
 * (called from many threads at once), settled when its answer arrives, or later when what it
 * measures happens elsewhere (a reply reaching a channel's double).
 */
interface Workload {
  /** Sends one request through {@code http}; completes with its outcome, or exceptionally. */
  CompletionStage<Settled> send(HttpClient http);

  /**
   * An outcome and when it happened: {@link #UNTIMED} for "when the generator records it" (the
   * answer to the request), else the {@link System#nanoTime()} it happened at.
   */
  record Settled(Outcome outcome, long atNanos) {
    static final long UNTIMED = Long.MIN_VALUE;

    static Settled onArrival(Outcome outcome) {
      return new Settled(outcome, UNTIMED);
    }

    /** Nanoseconds from {@code fromNanos} to the outcome (to now, if it is untimed). */
    long latencyFrom(long fromNanos) {
      return (atNanos == UNTIMED ? System.nanoTime() : atNanos) - fromNanos;
    }
  }

  /**
   * A workload settled by the answer to its request: a fresh request, and how its answer counts.
   */
  interface Answered extends Workload {
    HttpRequest next();

    Outcome classify(HttpResponse<String> response);

    @Override
    default CompletionStage<Settled> send(HttpClient http) {
      return http.sendAsync(next(), HttpResponse.BodyHandlers.ofString())
          .thenApply(response -> Settled.onArrival(classify(response)));
    }
  }

  /** {@code "error"} of a JSON error body ({@code {"error": "timeout", ...}}), or null. */
  static String errorCode(String body) {
    String marker = "\"error\":\"";
    int start = body == null ? -1 : body.indexOf(marker);
    if (start < 0) {
      return null;
    }
    int end = body.indexOf('"', start + marker.length());
    return end < 0 ? null : body.substring(start + marker.length(), end);
  }

  /** The kind of an answer that is not a success: its status and, if given, its error code. */
  static Outcome failureOf(HttpResponse<String> response) {
    String code = errorCode(response.body());
    return Outcome.failure(response.statusCode() + (code == null ? "" : " " + code));
  }
}
