package dev.parley.llm;

import com.typesafe.config.Config;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What the model server is asked for beside the messages, each only when configured ({@code
 * parley.llm.temperature}, {@code parley.llm.max-tokens}); unset leaves the server's own default.
 */
public record Sampling(OptionalDouble temperature, OptionalInt maxTokens) {
  public static final Sampling NONE = new Sampling(OptionalDouble.empty(), OptionalInt.empty());

  public Sampling {
    if (temperature.isPresent()
        && !(temperature.getAsDouble() >= 0 && temperature.getAsDouble() <= 2)) {
      throw new IllegalArgumentException("parley.llm.temperature must be between 0 and 2.");
    }
    if (maxTokens.isPresent() && maxTokens.getAsInt() < 1) {
      throw new IllegalArgumentException("parley.llm.max-tokens must be at least 1.");
    }
  }

  /** Reads {@code temperature} and {@code max-tokens} of {@code llm}; null means unset. */
  static Sampling from(Config llm) {
    return new Sampling(
        llm.getIsNull("temperature")
            ? OptionalDouble.empty()
            : OptionalDouble.of(llm.getDouble("temperature")),
        llm.getIsNull("max-tokens")
            ? OptionalInt.empty()
            : OptionalInt.of(llm.getInt("max-tokens")));
  }
}
