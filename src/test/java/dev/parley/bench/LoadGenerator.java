package dev.parley.bench;

import dev.parley.bench.LoadTally.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load from {@link Workload} over keep-alive HTTP/1.1 connections, with java.net.http's
 * asynchronous client: its selector thread does the I/O, two threads of the generator record the
 * answers and send the next requests, and no thread ever waits for an answer, so the generator does
 * not run out of threads before the node runs out of work. (The client also completes each request
 * through the JDK's common pool: {@code scripts/bench} keeps that a pool on small machines.)
 *
 * <p>Closed loop (no rate): {@code connections} workers, each sending its next request as soon as
 * the previous one is settled (answered; through a channel end to end, its reply arrived); latency
 * is measured from each send to that moment. Open loop (a rate): requests fall due at a fixed rate
 * whatever the answers, at most {@code connections} in flight; a request due while all are busy
 * waits, and its latency is measured from when it fell due, so a node that falls behind shows it in
 * the percentiles instead of slowing the generator down (no coordinated omission).
 *
 * <p>Each answer is recorded in the tally current when it arrives; {@link #switchTo} starts the
 * next phase (warm-up, window, drain).
 */
final class LoadGenerator implements AutoCloseable {
  /** Names of the generator's own threads. */
  static final String THREAD_PREFIX = "bench-load";

  /**
   * Where the generator's CPU goes: its own threads, java.net.http's (its selector does the I/O)
   * and the common pool's (each request's completion passes through it).
   */
  static final List<String> CPU_THREAD_PREFIXES =
      List.of(THREAD_PREFIX, "HttpClient-", "ForkJoinPool.commonPool");

  private final Workload workload;
  private final int connections;
  private final double rate;
  private final ExecutorService executor;
  private final HttpClient http;
  private final ScheduledExecutorService ticker;
  private final AtomicInteger active = new AtomicInteger();
  private final Object idle = new Object();
  private volatile LoadTally current;
  private volatile boolean stopping;
  // Open loop only, guarded by this: requests due since the start, and sent so far.
  private long startNanos;
  private long due;
  private long sent;

  LoadGenerator(Workload workload, int connections, double rate) {
    this.workload = workload;
    this.connections = connections;
    this.rate = rate;
    this.executor = Executors.newFixedThreadPool(2, named(THREAD_PREFIX));
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            // The client's own steps run where they are triggered, mostly on its selector thread:
            // they never block, and a hand-off to a pool per step costs more than the step.
            .executor(Runnable::run)
            .build();
    this.ticker = rate > 0 ? Executors.newSingleThreadScheduledExecutor(named("bench-rate")) : null;
  }

  /** Starts sending, recording into {@code tally}. */
  void start(LoadTally tally) {
    current = tally;
    if (rate > 0) {
      synchronized (this) {
        startNanos = System.nanoTime();
      }
      // 1 ms ticks: fine enough for rates up to the tens of thousands per second.
      ticker.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.MILLISECONDS);
      return;
    }
    for (int worker = 0; worker < connections; worker++) {
      active.incrementAndGet();
      send(System.nanoTime());
    }
  }

  /** From now on answers are recorded into {@code next}; returns the tally they went to so far. */
  LoadTally switchTo(LoadTally next) {
    LoadTally previous = current;
    current = next;
    return previous;
  }

  /**
   * Open loop: starts the schedule afresh from now, so a backlog the warm-up built up (the node
   * runs slower until its code is compiled) does not make every request of the window late; returns
   * how many requests fell due in it and were never sent (0 for a closed loop).
   */
  synchronized long restartSchedule() {
    if (rate <= 0) {
      return 0;
    }
    long dropped = due - sent;
    startNanos = System.nanoTime();
    due = 0;
    sent = 0;
    return dropped;
  }

  /** Requests that fell due but could not be sent yet (open loop; 0 for a closed loop). */
  synchronized long backlog() {
    return due - sent;
  }

  /**
   * Sends nothing more and waits up to {@code drain} for the requests in flight; returns how many
   * are still unanswered then.
   */
  int stop(Duration drain) throws InterruptedException {
    stopping = true;
    if (ticker != null) {
      ticker.shutdownNow();
    }
    long deadline = System.nanoTime() + drain.toNanos();
    synchronized (idle) {
      long left;
      while (active.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
    }
    return active.get();
  }

  @Override
  public void close() {
    stopping = true;
    if (ticker != null) {
      ticker.shutdownNow();
    }
    executor.shutdownNow();
  }

  private void tick() {
    long now = System.nanoTime();
    synchronized (this) {
      due = (long) ((now - startNanos) * rate / 1e9);
    }
    sendDue();
  }

  /** Open loop: sends due requests while fewer than {@code connections} are in flight. */
  private void sendDue() {
    synchronized (this) {
      while (!stopping && sent < due && active.get() < connections) {
        long intended = startNanos + (long) (sent * 1e9 / rate);
        sent++;
        active.incrementAndGet();
        send(intended);
      }
    }
  }

  /** One request; its latency counts from {@code fromNanos}. */
  private void send(long fromNanos) {
    workload
        .send(http)
        // Async on our executor: a request that fails at once must not recurse on this stack.
        .whenCompleteAsync(
            (settled, error) -> {
              if (error == null) {
                current.record(settled.outcome(), settled.latencyFrom(fromNanos));
              } else {
                current.record(failureOf(error), System.nanoTime() - fromNanos);
              }
              answered();
            },
            executor);
  }

  private void answered() {
    if (!stopping && rate <= 0) {
      send(System.nanoTime());
      return;
    }
    if (active.decrementAndGet() == 0 && stopping) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
    if (!stopping) {
      sendDue();
    }
  }

  private static Outcome failureOf(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof HttpTimeoutException) {
      return Outcome.failure("timeout");
    }
    if (cause instanceof ConnectException) {
      return Outcome.failure("connection refused");
    }
    if (cause instanceof IOException) {
      return Outcome.failure("io-error");
    }
    return Outcome.failure(cause.getClass().getSimpleName());
  }

  /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
  static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + "-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
