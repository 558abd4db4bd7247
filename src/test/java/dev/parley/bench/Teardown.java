package dev.parley.bench;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the run started, stopped in reverse order exactly once: at the normal end, after a failure,
 * or from the JVM's shutdown hook when the bench is interrupted (Ctrl-C), so no node or PostgreSQL
 * outlives it. A step that fails is reported and the others still run.
 */
final class Teardown {
  /** One step; what it throws is reported, and the steps after it still run. */
  interface Step {
    void run() throws Exception;
  }

  private final Deque<Step> steps = new ArrayDeque<>();
  private volatile boolean interrupted;

  synchronized void add(Step step) {
    steps.push(step);
  }

  /** A shutdown hook that runs every step, and marks the run as stopped from outside. */
  Thread asShutdownHook() {
    return new Thread(
        () -> {
          interrupted = true;
          runAll();
        },
        "bench-teardown");
  }

  /** True once the shutdown hook ran: a signal, not the run itself, ended it. */
  boolean interrupted() {
    return interrupted;
  }

  synchronized void runAll() {
    while (!steps.isEmpty()) {
      try {
        steps.pop().run();
      } catch (Exception e) {
        System.err.println("bench: while stopping: " + e);
      }
    }
  }
}
