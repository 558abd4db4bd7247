package dev.parley.channel.telegram;

import dev.parley.channel.telegram.TelegramHtml.Rendered;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Fills Telegram messages with pieces of Markdown (paragraphs, or the lines of one), each already
 * rendered alone and known to fit: a part takes pieces while their widths and the joiners between
 * them add up to the limit, and is rendered once when it goes out. Should the pieces show longer
 * together than apart (a list's numbers grow, a nested item keeps its indentation), fewer of them
 * go into the part, as many as the excess suggests, then half as many, down to one piece (which
 * always fits), and the rest wait for the next part.
 */
final class PartPacker {
  private final String joiner;
  private final UnaryOperator<String> wrap;
  private final Function<String, Rendered> renderer;
  private final int limit;
  private final List<Rendered> out;
  private final List<String> pieces = new ArrayList<>();
  private final List<Rendered> alone = new ArrayList<>();
  private int width;
  private int source;

  PartPacker(
      String joiner,
      UnaryOperator<String> wrap,
      Function<String, Rendered> renderer,
      int limit,
      List<Rendered> out) {
    this.joiner = joiner;
    this.wrap = wrap;
    this.renderer = renderer;
    this.limit = limit;
    this.out = out;
  }

  /**
   * Adds a piece known to fit alone; when the pieces held leave no room for it (by their widths, or
   * their source past {@code maxSource}), parts go out first.
   */
  void add(String piece, Rendered rendered, int maxSource) {
    while (!pieces.isEmpty()
        && (width + joiner.length() + rendered.visibleLength() > limit
            || source + joiner.length() + piece.length() > maxSource)) {
      emitPart();
    }
    if (!pieces.isEmpty()) {
      width += joiner.length();
      source += joiner.length();
    }
    pieces.add(piece);
    alone.add(rendered);
    width += rendered.visibleLength();
    source += piece.length();
  }

  /** Sends every piece held. */
  void flush() {
    while (!pieces.isEmpty()) {
      emitPart();
    }
  }

  /**
   * Sends one part made of the first pieces held, all of them when they fit together, and keeps the
   * rest for the next part.
   */
  private void emitPart() {
    // widthOf[i]: the first i pieces' widths and the joiners between them.
    int[] widthOf = new int[pieces.size() + 1];
    for (int i = 0; i < pieces.size(); i++) {
      widthOf[i + 1] = widthOf[i] + (i > 0 ? joiner.length() : 0) + alone.get(i).visibleLength();
    }
    int to = pieces.size();
    for (int tries = 0; ; tries++) {
      if (to == 1) {
        out.add(alone.get(0));
        break;
      }
      Rendered joined = renderer.apply(wrap.apply(String.join(joiner, pieces.subList(0, to))));
      if (joined.visibleLength() <= limit) {
        out.add(joined);
        break;
      }
      long target = (long) widthOf[to] * limit / joined.visibleLength();
      int shorter = 1;
      while (shorter < to - 1 && widthOf[shorter + 1] <= target) {
        shorter++;
      }
      to = tries == 0 ? shorter : Math.min(shorter, to / 2);
    }
    pieces.subList(0, to).clear();
    alone.subList(0, to).clear();
    width = widthOf[widthOf.length - 1] - widthOf[to] - (pieces.isEmpty() ? 0 : joiner.length());
    source = Math.max(0, pieces.size() - 1) * joiner.length();
    for (String piece : pieces) {
      source += piece.length();
    }
  }
}
