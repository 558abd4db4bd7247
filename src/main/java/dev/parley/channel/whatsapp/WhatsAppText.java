package dev.parley.channel.whatsapp;

import dev.parley.channel.OutboundText;
import dev.parley.text.Utf16;
import java.util.ArrayList;
import java.util.List;

/**
 * A reply's text as WhatsApp messages: cut to the reply cap with a notice, lone surrogates
 * replaced, then split into parts of at most {@link #MAX_CHARS} characters (WhatsApp's text limit),
 * cutting at the last paragraph break that fits, else the last line break, else the last space, and
 * only as a last resort inside a word (never inside a character: see {@link
 * OutboundText#cutBefore}). Joined back with the separators they were cut at, the parts give the
 * text again. Splitting reads each part's window once and copies nothing but the parts, so it takes
 * time in proportion to the text.
 */
public final class WhatsAppText {
  public static final int MAX_CHARS = 4096;

  private WhatsAppText() {}

  /**
   * The parts to send for {@code text}: past {@code maxReplyChars} it is cut, and {@code notice}
   * follows after a blank line.
   */
  static List<String> parts(String text, int maxReplyChars, String notice) {
    String kept = text == null ? "" : text;
    if (kept.length() > maxReplyChars) {
      kept = OutboundText.truncate(kept, maxReplyChars) + "\n\n" + notice;
    }
    return split(Utf16.wellFormed(kept));
  }

  public static List<String> split(String text) {
    return split(text, MAX_CHARS);
  }

  static List<String> split(String text, int max) {
    List<String> parts = new ArrayList<>();
    int end = text.length();
    while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    int from = skipWhitespace(text, 0, end);
    while (end - from > max) {
      int cut = cutPoint(text, from, max);
      int partEnd = cut;
      while (partEnd > from && Character.isWhitespace(text.charAt(partEnd - 1))) {
        partEnd--;
      }
      if (partEnd > from) {
        parts.add(text.substring(from, partEnd));
      }
      from = skipWhitespace(text, cut, end);
    }
    if (from < end) {
      parts.add(text.substring(from, end));
    }
    return parts;
  }

  private static int skipWhitespace(String text, int from, int end) {
    int at = from;
    while (at < end && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
    return at;
  }

  /**
   * Where the part starting at {@code from} ends: after the last paragraph break, line break or
   * space that fits in {@code max} characters (one scan back through that window), else at the last
   * place inside it that keeps characters whole.
   */
  private static int cutPoint(String text, int from, int max) {
    int limit = from + max;
    int lineBreak = -1;
    int space = -1;
    for (int i = limit - 1; i > from; i--) {
      char c = text.charAt(i);
      if (c == '\n') {
        if (text.charAt(i - 1) == '\n' && i - 1 > from) {
          return i + 1;
        }
        if (lineBreak < 0) {
          lineBreak = i + 1;
        }
      } else if (c == ' ' && space < 0) {
        space = i + 1;
      }
    }
    if (lineBreak > 0) {
      return lineBreak;
    }
    return space > 0 ? space : OutboundText.cutBefore(text, limit, from);
  }
}
