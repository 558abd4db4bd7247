package dev.parley.bench;

import dev.parley.bench.LoadTally.Outcome;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The HTTP floor: {@code GET /nope} on the API port, answered 404 with a JSON error by the
 * listener's own not-found handler. No conversation, no journal: what the node's HTTP stack and
 * this load generator cost per request, the ceiling any endpoint of the node can reach here.
 */
final class NotFoundGets implements Workload {
  private static final Outcome NOT_FOUND = new Outcome("404 not-found", true, false, false);

  private final HttpRequest request;

  NotFoundGets(String apiRoot, Duration timeout) {
    this.request = HttpRequest.newBuilder(URI.create(apiRoot + "/nope")).timeout(timeout).build();
  }

  @Override
  public HttpRequest next() {
    return request;
  }

  @Override
  public Outcome classify(HttpResponse<String> response) {
    return response.statusCode() == 404 ? NOT_FOUND : Workload.failureOf(response);
  }
}
