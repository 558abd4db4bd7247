package dev.parley.channel.whatsapp;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a reply into parts of at most {@link #MAX_CHARS} characters (WhatsApp's text limit),
 * cutting at the last paragraph break that fits, else the last line break, else the last space, and
 * only as a last resort inside a word (never inside a surrogate pair). Joined back with the
 * separators they were cut at, the parts give the text again.
 */
public final class WhatsAppText {
  public static final int MAX_CHARS = 4096;

  private WhatsAppText() {}

  public static List<String> split(String text) {
    return split(text, MAX_CHARS);
  }

  static List<String> split(String text, int max) {
    List<String> parts = new ArrayList<>();
    String rest = text.strip();
    while (rest.length() > max) {
      int cut = cutPoint(rest, max);
      String part = rest.substring(0, cut).stripTrailing();
      if (!part.isEmpty()) {
        parts.add(part);
      }
      rest = rest.substring(cut).stripLeading();
    }
    if (!rest.isEmpty()) {
      parts.add(rest);
    }
    return parts;
  }

  private static int cutPoint(String text, int max) {
    for (String separator : new String[] {"\n\n", "\n", " "}) {
      int at = text.lastIndexOf(separator, max - separator.length());
      if (at > 0) {
        return at + separator.length();
      }
    }
    return Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
  }
}
