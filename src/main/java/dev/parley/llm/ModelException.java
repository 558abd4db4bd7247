package dev.parley.llm;

import java.time.Duration;
import java.util.Optional;

/**
 * A model call that failed: {@code code} is machine-readable ({@code timeout}, {@code http-500},
 * {@code unreadable}, {@code connection}), the message says what happened without secrets. {@code
 * retryable} tells whether trying again may help.
 */
public class ModelException extends RuntimeException {
  private final String code;
  private final boolean retryable;
  private final Duration retryAfter;

  public ModelException(String code, String message, boolean retryable) {
    this(code, message, retryable, null);
  }

  /** A failure with the pause the server asked for ({@code Retry-After}), null when none. */
  public ModelException(String code, String message, boolean retryable, Duration retryAfter) {
    super(message);
    this.code = code;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  /** How long the server asked to wait before trying again, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  public String code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }
}
