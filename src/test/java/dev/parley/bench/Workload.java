package dev.parley.bench;

import dev.parley.bench.LoadTally.Outcome;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * What the load generator sends and how it judges the answers: a fresh request each time it is
 * asked (called from many threads at once), and the classification of each answer.
 */
interface Workload {
  HttpRequest next();

  Outcome classify(HttpResponse<String> response);

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
