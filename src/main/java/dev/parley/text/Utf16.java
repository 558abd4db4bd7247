package dev.parley.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Well-formed UTF-16 for every string Parley persists or sends: {@link #wellFormed} replaces each
 * unpaired surrogate with U+FFFD (the replacement character), and {@link #cut} shortens text
 * without splitting a surrogate pair. Both return their argument itself when it needs no change, so
 * the common case allocates nothing.
 */
public final class Utf16 {
  /** What an unpaired surrogate becomes. */
  public static final char REPLACEMENT = '\uFFFD';

  private Utf16() {}

  /** {@code text} with every unpaired surrogate replaced by U+FFFD; null stays null. */
  public static String wellFormed(String text) {
    if (text == null) {
      return null;
    }
    int bad = firstUnpaired(text);
    if (bad < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    out.append(text, 0, bad);
    for (int i = bad; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
      } else {
        out.append(Character.isSurrogate(c) ? REPLACEMENT : c);
      }
    }
    return out.toString();
  }

  /** Each element made well-formed; the same list when none needed it; null stays null. */
  public static List<String> wellFormed(List<String> texts) {
    if (texts == null) {
      return null;
    }
    List<String> out = null;
    for (int i = 0; i < texts.size(); i++) {
      String before = texts.get(i);
      String after = wellFormed(before);
      if (after != before && out == null) {
        out = new ArrayList<>(texts.subList(0, i));
      }
      if (out != null) {
        out.add(after);
      }
    }
    return out == null ? texts : Collections.unmodifiableList(out);
  }

  /** Whether {@code text} holds no unpaired surrogate (null counts as well-formed). */
  public static boolean isWellFormed(String text) {
    return text == null || firstUnpaired(text) < 0;
  }

  /**
   * At most {@code maxChars} UTF-16 units of {@code text}, one fewer when the cut would fall inside
   * a surrogate pair; {@code text} itself when it is short enough.
   */
  public static String cut(String text, int maxChars) {
    if (text == null || text.length() <= maxChars) {
      return text;
    }
    return text.substring(0, boundaryAtOrBefore(text, maxChars));
  }

  /**
   * Like {@link #cut}, followed by {@code marker} (e.g. "…") when something was cut; the result is
   * at most {@code maxChars} units long, marker included.
   */
  public static String cut(String text, int maxChars, String marker) {
    if (text == null || text.length() <= maxChars) {
      return text;
    }
    if (maxChars <= marker.length()) {
      return cut(text, maxChars);
    }
    return cut(text, maxChars - marker.length()) + marker;
  }

  /**
   * The largest index at most {@code index} that does not fall between the two halves of a
   * surrogate pair: a safe place to split {@code text}.
   */
  public static int boundaryAtOrBefore(String text, int index) {
    if (index <= 0 || index >= text.length()) {
      return Math.max(0, Math.min(index, text.length()));
    }
    return Character.isHighSurrogate(text.charAt(index - 1))
            && Character.isLowSurrogate(text.charAt(index))
        ? index - 1
        : index;
  }

  private static int firstUnpaired(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else {
        return i;
      }
    }
    return -1;
  }
}
