package dev.parley.tool;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the built-in tools change in their conversation during one turn: its memory (short facts, in
 * the order remembered) and whether its earlier turns are to be cleared. The turn runner makes one
 * per turn attempt from the conversation's stored memory and persists what changed when the turn
 * ends (or parks on a question); a turn that fails or is redone after a crash throws it away, so
 * the stored memory stays as it was. The calls of one model round may run concurrently: every
 * method is synchronized.
 */
public final class TurnChanges {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final MemoryLimits limits;
  private final List<String> facts;
  private boolean memoryChanged;
  private boolean historyCleared;

  public TurnChanges(List<String> facts, MemoryLimits limits) {
    this.facts = new ArrayList<>(facts == null ? List.of() : facts);
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The facts now, in the order they were remembered. */
  public synchronized List<String> facts() {
    return List.copyOf(facts);
  }

  /** Whether a fact was remembered or forgotten in this turn. */
  public synchronized boolean memoryChanged() {
    return memoryChanged;
  }

  /** Whether {@code clear_history} ran in this turn. */
  public synchronized boolean historyCleared() {
    return historyCleared;
  }

  synchronized void clearHistory() {
    historyCleared = true;
  }

  /**
   * Stores {@code fact}, its whitespace folded to single spaces (a fact is one line of the system
   * prompt, never a block of its own); the result is the text for the model.
   */
  synchronized String remember(String fact) {
    String trimmed = oneLine(fact);
    if (trimmed.isEmpty()) {
      return "error: the fact is empty";
    }
    if (trimmed.length() > limits.maxFactChars()) {
      return "error: a fact has at most " + limits.maxFactChars() + " characters";
    }
    if (indexOf(trimmed) >= 0) {
      return "already remembered: " + trimmed;
    }
    if (facts.size() >= limits.maxFacts()) {
      return "error: memory is full (" + limits.maxFacts() + " facts); forget one first";
    }
    facts.add(trimmed);
    memoryChanged = true;
    return "remembered: " + trimmed;
  }

  /** Removes the fact equal to {@code fact} (trimmed, ignoring case). */
  synchronized String forget(String fact) {
    int at = indexOf(fact.strip());
    if (at < 0) {
      return "error: no such fact";
    }
    String removed = facts.remove(at);
    memoryChanged = true;
    return "forgotten: " + removed;
  }

  /** The facts containing {@code query} (ignoring case), or all when it is null or blank. */
  synchronized String recall(String query) {
    String needle = query == null ? "" : key(query);
    StringBuilder out = new StringBuilder();
    int n = 0;
    for (String fact : facts) {
      if (needle.isEmpty() || key(fact).contains(needle)) {
        out.append(out.length() == 0 ? "" : "\n").append(++n).append(". ").append(fact);
      }
    }
    if (n > 0) {
      return out.toString();
    }
    return facts.isEmpty()
        ? "nothing is remembered in this conversation"
        : "no remembered fact contains \"" + query.strip() + "\"";
  }

  private int indexOf(String fact) {
    String wanted = key(fact);
    for (int i = 0; i < facts.size(); i++) {
      if (key(facts.get(i)).equals(wanted)) {
        return i;
      }
    }
    return -1;
  }

  private static String key(String fact) {
    return oneLine(fact).toLowerCase(Locale.ROOT);
  }

  private static String oneLine(String fact) {
    return WHITESPACE.matcher(fact.strip()).replaceAll(" ");
  }
}
