package dev.parley.channel.telegram;

import dev.parley.channel.telegram.TelegramHtml.Rendered;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a Markdown reply into parts that each fit one Telegram message: the source is split before
 * rendering, on paragraph boundaries (blank lines outside code fences), else on line boundaries,
 * and only a single line too long for a message is cut inside (at a space where there is one). Each
 * part is rendered on its own, so each is balanced HTML, and each is measured after rendering, the
 * way Telegram counts: visible text in UTF-16 units.
 */
public final class TelegramMessageSplitter {
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})(.*)$");

  private final int limit;

  public TelegramMessageSplitter(int limit) {
    this.limit = limit;
  }

  public List<Rendered> split(String markdown) {
    List<String> parts = new ArrayList<>();
    pack(paragraphs(markdown), "\n\n", UnaryOperator.identity(), parts, this::splitLines);
    List<Rendered> rendered = new ArrayList<>();
    for (String part : parts) {
      Rendered r = TelegramHtml.render(part);
      if (!r.plain().isEmpty()) {
        rendered.add(r);
      }
    }
    return rendered;
  }

  private interface Oversize {
    void split(String piece, UnaryOperator<String> wrap, List<String> out);
  }

  private boolean fits(String markdown) {
    return TelegramHtml.render(markdown).visibleLength() <= limit;
  }

  /**
   * Greedy: as many pieces per part as fit once wrapped; a piece too big on its own goes to {@code
   * tooBig}.
   */
  private void pack(
      List<String> pieces,
      String joiner,
      UnaryOperator<String> wrap,
      List<String> out,
      Oversize tooBig) {
    String current = null;
    for (String piece : pieces) {
      String candidate = current == null ? piece : current + joiner + piece;
      if (fits(wrap.apply(candidate))) {
        current = candidate;
        continue;
      }
      if (current != null) {
        out.add(wrap.apply(current));
        current = null;
      }
      if (fits(wrap.apply(piece))) {
        current = piece;
      } else {
        tooBig.split(piece, wrap, out);
      }
    }
    if (current != null) {
      out.add(wrap.apply(current));
    }
  }

  /** A paragraph too big for one message, by lines; a code block keeps its fence in each part. */
  private void splitLines(String paragraph, UnaryOperator<String> outer, List<String> out) {
    List<String> lines = List.of(paragraph.split("\n", -1));
    Matcher open = FENCE.matcher(lines.get(0));
    if (open.matches() && lines.size() > 1) {
      String last = lines.get(lines.size() - 1);
      Matcher close = FENCE.matcher(last);
      boolean closed =
          lines.size() > 1
              && close.matches()
              && closes(open.group(1), close.group(1), close.group(2));
      List<String> inner = lines.subList(1, closed ? lines.size() - 1 : lines.size());
      String fenceClose = closed ? last : open.group(1);
      UnaryOperator<String> wrap = code -> lines.get(0) + "\n" + code + "\n" + fenceClose;
      pack(inner, "\n", wrap, out, this::cutLine);
    } else {
      pack(lines, "\n", outer, out, this::cutLine);
    }
  }

  /** A single line too long for a message: cut at the last space that fits, else mid-word. */
  private void cutLine(String line, UnaryOperator<String> wrap, List<String> out) {
    String rest = line;
    while (!rest.isEmpty() && !fits(wrap.apply(rest))) {
      int lo = 1;
      int hi = rest.length();
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (fits(wrap.apply(rest.substring(0, mid)))) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      int cut = lo;
      int space = rest.lastIndexOf(' ', cut - 1);
      if (space > cut / 2) {
        cut = space + 1;
      } else if (Character.isHighSurrogate(rest.charAt(cut - 1)) && cut > 1) {
        cut--;
      }
      out.add(wrap.apply(rest.substring(0, cut).stripTrailing()));
      rest = rest.substring(cut).stripLeading();
    }
    if (!rest.isBlank()) {
      out.add(wrap.apply(rest));
    }
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
