package dev.parley.bench;

/**
 * A reason the benchmark cannot go on (the node did not come up, or exited during the run), phrased
 * for the person who started it; {@link BenchMain} prints it as one line and exits 1.
 */
final class BenchFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BenchFailure(String message) {
    super(message);
  }

  BenchFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
