package dev.parley.bench;

import dev.parley.bench.LoadTally.Outcome;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The same {@code GET} again and again, a success when it gets the expected status. Used for the
 * HTTP floor ({@code GET /nope} on the API port, answered 404 by the listener's own not-found
 * handler: no conversation, no journal, the ceiling any endpoint of the node can reach here) and
 * for the management port's probes ({@code /alive}, {@code /ready}).
 */
final class PlainGets implements Workload.Answered {
  private final HttpRequest request;
  private final int expectedStatus;
  private final Outcome expected;

  PlainGets(URI uri, int expectedStatus, String label, Duration timeout) {
    this.request = HttpRequest.newBuilder(uri).timeout(timeout).build();
    this.expectedStatus = expectedStatus;
    this.expected = new Outcome(expectedStatus + " " + label, true, false, false);
  }

  /** The request as the reports name it, e.g. {@code GET /alive (200)}. */
  static String describe(URI uri, int expectedStatus) {
    return "GET " + uri.getPath() + " (" + expectedStatus + ")";
  }

  @Override
  public HttpRequest next() {
    return request;
  }

  @Override
  public Outcome classify(HttpResponse<String> response) {
    return response.statusCode() == expectedStatus ? expected : Workload.failureOf(response);
  }
}
