package dev.parley.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A probe of the loaded node: {@code GET /ready} every {@code every}, one at a time on its own
 * connection, as a kubelet probes a pod, for as long as the main load's measured window runs. What
 * a probe waits while the node is busy, which the probe floors (a node that does nothing else) do
 * not show. The next probe is scheduled {@code every} after the previous one was answered, so a
 * slow answer never piles probes up.
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
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(LoadGenerator.named("bench-probe-sampler"));
  private volatile boolean recording;

  ProbeSampler(URI uri, Duration every, Duration timeout) {
    this.uri = uri;
    this.every = every;
    this.request = HttpRequest.newBuilder(uri).timeout(timeout).build();
  }

  /** Starts probing; nothing counts before {@link #record(boolean)} says so. */
  ProbeSampler start() {
    scheduler.scheduleWithFixedDelay(this::probe, 0, every.toNanos(), TimeUnit.NANOSECONDS);
    return this;
  }

  /** Whether the probes from now on count (true for the measured window only). */
  void record(boolean on) {
    recording = on;
  }

  Result result() {
    return new Result(PlainGets.describe(uri, 200), every, failures.get(), latency);
  }

  /** One probe, timed; counted only when the window was open both when it went and came back. */
  private void probe() {
    boolean counts = recording;
    long sent = System.nanoTime();
    boolean ok;
    try {
      ok = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
