package dev.parley.channel.telegram;

import dev.parley.channel.OutboundText;
import dev.parley.channel.telegram.TelegramHtml.Rendered;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a Markdown reply into parts that each fit one Telegram message: the source is split before
 * rendering, on paragraph boundaries (blank lines outside code fences), else on line boundaries,
 * and only a single line too long for a message is cut inside (at a space where there is one, else
 * where {@link OutboundText#cutBefore} keeps characters whole). Each part is rendered on its own,
 * so each is balanced HTML, and each is measured after rendering, the way Telegram counts: visible
 * text in UTF-16 units.
 *
 * <p>The work grows linearly with the reply. Each paragraph (or line) is rendered once alone, and a
 * part is packed by adding up those widths; the part is then rendered once more to check, since
 * pieces can show longer together than apart (a list's numbers grow), and only then packed again
 * with fewer pieces. A single long line is cut by aiming at the limit from the width of the last
 * try, a few tries a part. Nothing longer than {@link #SOURCE_FACTOR} times the limit is rendered
 * whole, which also bounds the cost of the parser's slower cases.
 */
public final class TelegramMessageSplitter {
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})(.*)$");

  /**
   * Markdown longer than this many times the limit is split without rendering it whole first: it
   * would take markup on seven characters in eight to fit in one message.
   */
  private static final int SOURCE_FACTOR = 8;

  /** Renderings of one part of a long line while its end is sought, before halving takes over. */
  private static final int MAX_TRIES = 6;

  private final int limit;
  private final int maxSource;
  private final Function<String, Rendered> renderer;

  public TelegramMessageSplitter(int limit) {
    this(limit, TelegramHtml::render);
  }

  /** With the renderer given, so that a test can count the work. */
  TelegramMessageSplitter(int limit, Function<String, Rendered> renderer) {
    this.limit = limit;
    this.maxSource = SOURCE_FACTOR * limit;
    this.renderer = renderer;
  }

  public List<Rendered> split(String markdown) {
    List<Rendered> parts = new ArrayList<>();
    pack(paragraphs(markdown), "\n\n", UnaryOperator.identity(), parts, this::splitLines);
    parts.removeIf(part -> part.plain().isEmpty());
    return parts;
  }

  private interface Oversize {
    void split(String piece, UnaryOperator<String> wrap, List<Rendered> out);
  }

  /**
   * Greedy: as many pieces per part as fit once wrapped, by their widths alone; a piece too big on
   * its own goes to {@code tooBig}.
   */
  private void pack(
      List<String> pieces,
      String joiner,
      UnaryOperator<String> wrap,
      List<Rendered> out,
      Oversize tooBig) {
    PartPacker part = new PartPacker(joiner, wrap, renderer, limit, out);
    for (String piece : pieces) {
      Rendered alone = piece.length() > maxSource ? null : renderer.apply(wrap.apply(piece));
      if (alone == null || alone.visibleLength() > limit) {
        part.flush();
        tooBig.split(piece, wrap, out);
      } else {
        part.add(piece, alone, maxSource);
      }
    }
    part.flush();
  }

  /** A paragraph too big for one message, by lines; a code block keeps its fence in each part. */
  private void splitLines(String paragraph, UnaryOperator<String> outer, List<Rendered> out) {
    List<String> lines = List.of(paragraph.split("\n", -1));
    Matcher open = FENCE.matcher(lines.get(0));
    if (open.matches() && lines.size() > 1) {
      String last = lines.get(lines.size() - 1);
      Matcher close = FENCE.matcher(last);
      boolean closed = close.matches() && closes(open.group(1), close.group(1), close.group(2));
      List<String> inner = lines.subList(1, closed ? lines.size() - 1 : lines.size());
      String fenceClose = closed ? last : open.group(1);
      UnaryOperator<String> wrap = code -> lines.get(0) + "\n" + code + "\n" + fenceClose;
      pack(inner, "\n", wrap, out, this::cutLine);
    } else {
      pack(lines, "\n", outer, out, this::cutLine);
    }
  }

  /** A single line too long for a message: parts as long as fit, cut at a space where near. */
  private void cutLine(String line, UnaryOperator<String> wrap, List<Rendered> out) {
    int from = skipSpaces(line, 0);
    while (from < line.length()) {
      int fits = from;
      Rendered fitting = null;
      int tooFar = line.length() + 1;
      int aim = Math.min(line.length(), from + limit);
      for (int tries = 0; tries < MAX_TRIES; tries++) {
        int end = endNear(line, from, aim);
        if (end <= fits || end >= tooFar) {
          break;
        }
        Rendered r = render(line, from, end, wrap);
        if (r.visibleLength() <= limit) {
          fits = end;
          fitting = r;
          if (end == line.length() || r.visibleLength() >= limit - limit / 10) {
            break;
          }
        } else {
          tooFar = end;
        }
        // Shown width grows about in proportion to the source: aim where the limit would be.
        long scaled = (long) (end - from) * limit / Math.max(1, r.visibleLength());
        aim = (int) Math.min(Math.min(line.length(), from + maxSource), from + scaled);
        if (aim >= tooFar || aim <= fits) {
          aim = Math.min(fits + (tooFar - fits) / 2, from + maxSource);
        }
      }
      if (fitting == null) {
        // The tries overshot every time: halve until a part fits, or is one character.
        for (int end = tooFar; fitting == null; ) {
          int shorter = endNear(line, from, from + Math.max(1, (end - from) / 2));
          boolean smallest = shorter >= end;
          end = Math.min(end, shorter);
          Rendered r = render(line, from, end, wrap);
          if (r.visibleLength() <= limit || smallest) {
            fits = end;
            fitting = r;
          }
        }
      }
      out.add(fitting);
      from = skipSpaces(line, fits);
    }
  }

  private Rendered render(String line, int from, int end, UnaryOperator<String> wrap) {
    return renderer.apply(wrap.apply(line.substring(from, end).stripTrailing()));
  }

  /**
   * Where a part starting at {@code from} ends if it may reach {@code aim}: after the last space in
   * the second half of that stretch, else at the last place inside it that keeps characters whole.
   */
  private static int endNear(String line, int from, int aim) {
    if (aim >= line.length()) {
      return line.length();
    }
    for (int i = aim; i > from + (aim - from) / 2; i--) {
      if (line.charAt(i - 1) == ' ') {
        return i;
      }
    }
    return OutboundText.cutBefore(line, aim, from);
  }

  private static int skipSpaces(String line, int from) {
    int at = from;
    while (at < line.length() && Character.isWhitespace(line.charAt(at))) {
      at++;
    }
    return at;
  }

  /** Paragraphs: runs of lines between blank lines, a fenced code block counted as one. */
  static List<String> paragraphs(String markdown) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    String fence = null;
    for (String line : markdown.replace("\r\n", "\n").split("\n", -1)) {
      Matcher m = FENCE.matcher(line);
      if (fence == null && m.matches()) {
        fence = m.group(1);
      } else if (fence != null && m.matches() && closes(fence, m.group(1), m.group(2))) {
        fence = null;
      }
      if (fence == null && line.isBlank() && !current.isEmpty()) {
        out.add(current.toString());
        current.setLength(0);
      } else if (!(line.isBlank() && current.isEmpty() && fence == null)) {
        if (!current.isEmpty()) {
          current.append('\n');
        }
        current.append(line);
      }
    }
    if (!current.isEmpty()) {
      out.add(current.toString());
    }
    return out;
  }

  private static boolean closes(String open, String candidate, String rest) {
    return candidate.charAt(0) == open.charAt(0)
        && candidate.length() >= open.length()
        && rest.isBlank();
  }
}
