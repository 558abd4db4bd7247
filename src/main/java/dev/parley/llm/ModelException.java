package dev.parley.llm;

/**
 * A model call that failed: {@code code} is machine-readable ({@code timeout}, {@code http-500},
 * {@code unreadable}, {@code connection}), the message says what happened without secrets. {@code
 * retryable} tells whether trying again may help.
 */
public class ModelException extends RuntimeException {
  private final String code;
  private final boolean retryable;

  public ModelException(String code, String message, boolean retryable) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }

  public String code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }
}
