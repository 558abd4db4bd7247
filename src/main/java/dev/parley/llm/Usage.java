package dev.parley.llm;

import dev.parley.CborSerializable;

/**
 * Tokens the model server says a call took ({@code usage.prompt_tokens} and {@code
 * completion_tokens} of its answer), or the sum over a turn's calls.
 */
public record Usage(long promptTokens, long completionTokens) implements CborSerializable {
  public static final Usage NONE = new Usage(0, 0);

  public Usage {
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException("token counts are never negative");
    }
  }

  /** This and {@code other} together; {@code other} null counts as nothing. */
  public Usage plus(Usage other) {
    return other == null
        ? this
        : new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens);
  }
}
