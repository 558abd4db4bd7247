package dev.parley.channel;

/**
 * What both channels do to a reply's text before sending it: find where it may be cut without
 * breaking a character, cap its length, and replace unpaired UTF-16 surrogates. A cut never falls
 * inside a surrogate pair (half a pair is no character at all, and no JSON API takes it as text),
 * and it keeps the common grapheme clusters whole: a letter and its combining marks, an emoji with
 * its skin tone, variation selector, tags or zero-width-joined parts, a flag's two regional
 * indicators, CR LF. Everything here is linear in the text it looks at.
 */
public final class OutboundText {
  /**
   * How far (in UTF-16 units) a cut moves back to keep a cluster whole before it settles for a code
   * point boundary: real clusters are a few units long (a family emoji is 11), an endless run of
   * combining marks is no character worth keeping together.
   */
  private static final int MAX_CLUSTER = 32;

  /** How far back from the cap {@link #truncate} looks for a space or line break to cut at. */
  private static final int WORD_END_WINDOW = 200;

  private static final int ZWJ = 0x200D;

  private OutboundText() {}

  /**
   * The largest index in {@code (floor, index]} where {@code text} may be cut, or {@code text}'s
   * length when {@code index} is at or past it. When nothing in that range is a code point boundary
   * (index is floor + 1 inside a pair), the end of the first code point after {@code floor}: a
   * caller cutting parts always makes progress.
   */
  public static int cutBefore(CharSequence text, int index, int floor) {
    if (index >= text.length()) {
      return text.length();
    }
    int codePointCut = -1;
    for (int i = index; i > floor && index - i < MAX_CLUSTER; i--) {
      if (splitsPair(text, i)) {
        continue;
      }
      if (codePointCut < 0) {
        codePointCut = i;
      }
      if (!joins(text, i)) {
        return i;
      }
    }
    if (codePointCut >= 0) {
      return codePointCut;
    }
    return floor + Character.charCount(Character.codePointAt(text, floor));
  }

  /**
   * {@code text} cut to at most {@code max} UTF-16 units: at the last space or line break among the
   * final {@value #WORD_END_WINDOW} units when there is one, else where {@link #cutBefore} allows;
   * trailing whitespace dropped. The same string when it is short enough.
   */
  public static String truncate(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int cut = -1;
    for (int i = max; i > 0 && max - i < WORD_END_WINDOW && cut < 0; i--) {
      if (Character.isWhitespace(text.charAt(i))) {
        cut = i;
      }
    }
    if (cut < 0) {
      cut = cutBefore(text, max, 0);
      cut = cut > max ? 0 : cut;
    }
    return text.substring(0, cut).stripTrailing();
  }

  private static boolean splitsPair(CharSequence text, int i) {
    return i > 0
        && i < text.length()
        && Character.isHighSurrogate(text.charAt(i - 1))
        && Character.isLowSurrogate(text.charAt(i));
  }

  /** Whether a cut at {@code i} (a code point boundary) would split a grapheme cluster. */
  private static boolean joins(CharSequence text, int i) {
    if (i <= 0 || i >= text.length()) {
      return false;
    }
    int next = Character.codePointAt(text, i);
    int previous = Character.codePointBefore(text, i);
    if (previous == '\r' && next == '\n') {
      return true;
    }
    if (attaches(next) || previous == ZWJ) {
      return true;
    }
    return isRegionalIndicator(previous)
        && isRegionalIndicator(next)
        && regionalIndicatorsBefore(text, i) % 2 == 1;
  }

  /** Code points that attach to the one before: marks, joiners, selectors, modifiers, tags. */
  private static boolean attaches(int c) {
    int type = Character.getType(c);
    return type == Character.NON_SPACING_MARK
        || type == Character.ENCLOSING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || c == ZWJ
        || c == 0x200C
        || (c >= 0xFE00 && c <= 0xFE0F)
        || (c >= 0x1F3FB && c <= 0x1F3FF)
        || (c >= 0xE0020 && c <= 0xE007F)
        || (c >= 0xE0100 && c <= 0xE01EF);
  }

  private static boolean isRegionalIndicator(int c) {
    return c >= 0x1F1E6 && c <= 0x1F1FF;
  }

  private static int regionalIndicatorsBefore(CharSequence text, int i) {
    int count = 0;
    for (int at = i; at >= 2 && count < MAX_CLUSTER; at -= 2) {
      if (!isRegionalIndicator(Character.codePointBefore(text, at))) {
        break;
      }
      count++;
    }
    return count;
  }
}
