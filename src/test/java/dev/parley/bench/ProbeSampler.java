package dev.parley.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A probe of the loaded node: {@code GET /ready} every {@code every}, one at a time on its own
 * connection, as a kubelet probes a pod, for as long as the main load's measured window runs. What
 * a probe waits while the node is busy, which the probe floors (a node that does nothing else) do
 * not show. A probe that is late starts at once when the previous one is answered; it never piles
 * up.
 */
final class ProbeSampler implements AutoCloseable {
  /** What the probes saw: how often they ran, how many did not get a 200, and their latency. */
  record Result(String request, Duration every, long failures, LatencyHistogram latency) {}

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final HttpRequest request;
  private final URI uri;
  private final Duration every;
  private final LatencyHistogram latency = new LatencyHistogram();
  private final AtomicLong failures = new AtomicLong();
  private final Thread thread;
  private volatile boolean recording;
  private volatile boolean stopped;

  ProbeSampler(URI uri, Duration every, Duration timeout) {
    this.uri = uri;
    this.every = every;
    this.request = HttpRequest.newBuilder(uri).timeout(timeout).build();
    this.thread = new Thread(this::probe, "bench-probe-sampler");
    thread.setDaemon(true);
  }

  /** Starts probing; nothing counts before {@link #record(boolean)} says so. */
  ProbeSampler start() {
    thread.start();
    return this;
  }

  /** Whether the probes from now on count (true for the measured window only). */
  void record(boolean on) {
    recording = on;
  }

  Result result() {
    return new Result(PlainGets.describe(uri, 200), every, failures.get(), latency);
  }

  private void probe() {
    long next = System.nanoTime();
    while (!stopped) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
      next = Math.max(next + every.toNanos(), System.nanoTime());
      boolean counts = recording;
      long sent = System.nanoTime();
      boolean ok;
      try {
        ok = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        ok = false;
      }
      if (counts && recording) {
        latency.record(System.nanoTime() - sent);
        if (!ok) {
          failures.incrementAndGet();
        }
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
  }
}
