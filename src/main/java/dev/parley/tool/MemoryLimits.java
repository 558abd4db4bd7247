package dev.parley.tool;

import com.typesafe.config.Config;

/**
 * How much a conversation's memory holds ({@code parley.tool.memory}): at most {@code maxFacts}
 * facts of at most {@code maxFactChars} characters each. Both are positive; the memory is part of
 * the conversation's state and of every prompt, so it must stay small.
 */
public record MemoryLimits(int maxFacts, int maxFactChars) {
  public static final MemoryLimits DEFAULT = new MemoryLimits(30, 200);

  public MemoryLimits {
    if (maxFacts <= 0) {
      throw new IllegalArgumentException(
          "parley.tool.memory.max-facts must be positive, was " + maxFacts);
    }
    if (maxFactChars <= 0) {
      throw new IllegalArgumentException(
          "parley.tool.memory.max-fact-chars must be positive, was " + maxFactChars);
    }
  }

  /** Reads {@code parley.tool.memory} of the root configuration, defaults where absent. */
  public static MemoryLimits from(Config root) {
    String at = "parley.tool.memory";
    return new MemoryLimits(
        root.hasPath(at + ".max-facts") ? root.getInt(at + ".max-facts") : DEFAULT.maxFacts,
        root.hasPath(at + ".max-fact-chars")
            ? root.getInt(at + ".max-fact-chars")
            : DEFAULT.maxFactChars);
  }
}
