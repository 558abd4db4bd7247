package dev.parley.channel.telegram;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import org.commonmark.ext.gfm.strikethrough.Strikethrough;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.node.Block;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.LinkReferenceDefinition;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;

/**
 * Renders the model's Markdown as Telegram's HTML subset (b, i, s, code, pre, a href, blockquote)
 * with a CommonMark parser: headings become bold, list items "• " lines, and everything else is
 * text with {@code & < >} escaped, so the result is always balanced markup. It also gives the
 * visible text, whose length in UTF-16 units is what Telegram counts against its limit.
 */
public final class TelegramHtml {
  /** One rendered message: the HTML to send, and the text Telegram will show. */
  public record Rendered(String html, String plain) {
    public int visibleLength() {
      return plain.length();
    }
  }

  private static final Parser PARSER =
      Parser.builder().extensions(List.of(StrikethroughExtension.create())).build();

  /**
   * Nodes nested deeper than this (one line of a few thousand list or quote markers nests as deep)
   * are rendered as their text alone, walked without recursion: rendering them level by level would
   * overflow the stack, and every list level would indent each item inside it once more.
   */
  private static final int MAX_NESTING = 24;

  private int nesting;

  private final StringBuilder html = new StringBuilder();
  private final StringBuilder plain = new StringBuilder();

  private TelegramHtml() {}

  public static Rendered render(String markdown) {
    TelegramHtml out = new TelegramHtml();
    out.blocks(PARSER.parse(markdown), "\n\n", 0);
    return new Rendered(out.html.toString().strip(), out.plain.toString().strip());
  }

  private void blocks(Node parent, String separator, int depth) {
    boolean first = true;
    for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
      if (node instanceof LinkReferenceDefinition) {
        continue;
      }
      if (!first) {
        text(separator);
      }
      first = false;
      block(node, depth);
    }
  }

  private void block(Node node, int depth) {
    if (nesting >= MAX_NESTING) {
      flat(node);
      return;
    }
    nesting++;
    try {
      nestedBlock(node, depth);
    } finally {
      nesting--;
    }
  }

  private void nestedBlock(Node node, int depth) {
    if (node instanceof Heading) {
      tagged("b", node);
    } else if (node instanceof BlockQuote) {
      markup("<blockquote>");
      blocks(node, "\n\n", depth);
      markup("</blockquote>");
    } else if (node instanceof BulletList || node instanceof OrderedList) {
      list(node, depth);
    } else if (node instanceof FencedCodeBlock fenced) {
      String info = fenced.getInfo() == null ? "" : fenced.getInfo().strip().split("\\s+")[0];
      codeBlock(fenced.getLiteral(), info);
    } else if (node instanceof IndentedCodeBlock indented) {
      codeBlock(indented.getLiteral(), "");
    } else if (node instanceof HtmlBlock raw) {
      text(stripNewline(raw.getLiteral()));
    } else if (node instanceof ThematicBreak) {
      text("———");
    } else {
      inlines(node);
    }
  }

  private void list(Node list, int depth) {
    int number = list instanceof OrderedList ordered ? startOf(ordered) : 0;
    boolean first = true;
    for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
      if (!first) {
        text("\n");
      }
      first = false;
      text("  ".repeat(depth));
      text(list instanceof OrderedList ? (number++) + ". " : "• ");
      if (item instanceof ListItem) {
        blocks(item, "\n", depth + 1);
      }
    }
  }

  @SuppressWarnings("deprecation")
  private static int startOf(OrderedList ordered) {
    return ordered.getStartNumber();
  }

  private void codeBlock(String literal, String language) {
    boolean named = language.matches("[A-Za-z0-9_+#.-]{1,32}");
    markup(
        named
            ? "<pre><code class=\"language-" + language.toLowerCase(Locale.ROOT) + "\">"
            : "<pre>");
    text(stripNewline(literal));
    markup(named ? "</code></pre>" : "</pre>");
  }

  private void inlines(Node parent) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
      inline(node);
    }
  }

  private void inline(Node node) {
    if (nesting >= MAX_NESTING) {
      flat(node);
      return;
    }
    nesting++;
    try {
      nestedInline(node);
    } finally {
      nesting--;
    }
  }

  private void nestedInline(Node node) {
    if (node instanceof Text t) {
      text(t.getLiteral());
    } else if (node instanceof Code code) {
      markup("<code>");
      text(code.getLiteral());
      markup("</code>");
    } else if (node instanceof StrongEmphasis) {
      tagged("b", node);
    } else if (node instanceof Emphasis) {
      tagged("i", node);
    } else if (node instanceof Strikethrough) {
      tagged("s", node);
    } else if (node instanceof Link link) {
      link(link);
    } else if (node instanceof Image) {
      inlines(node);
    } else if (node instanceof SoftLineBreak || node instanceof HardLineBreak) {
      text("\n");
    } else if (node instanceof HtmlInline raw) {
      text(raw.getLiteral());
    } else {
      inlines(node);
    }
  }

  /** The text of a subtree, depth first with a stack of its own; blocks start on a new line. */
  private void flat(Node root) {
    Deque<Node> pending = new ArrayDeque<>();
    pending.push(root);
    boolean wrote = false;
    while (!pending.isEmpty()) {
      Node node = pending.pop();
      String literal = literal(node);
      if (literal != null) {
        if (wrote && node instanceof Block) {
          text("\n");
        }
        text(literal);
        wrote = true;
      } else if (node instanceof Paragraph || node instanceof Heading) {
        if (wrote) {
          text("\n");
        }
      }
      for (Node child = node.getLastChild(); child != null; child = child.getPrevious()) {
        pending.push(child);
      }
    }
  }

  /** What a leaf shows, or null for a node whose text is in its children (or that shows none). */
  private static String literal(Node node) {
    if (node instanceof Text t) {
      return t.getLiteral();
    } else if (node instanceof Code code) {
      return code.getLiteral();
    } else if (node instanceof FencedCodeBlock fenced) {
      return stripNewline(fenced.getLiteral());
    } else if (node instanceof IndentedCodeBlock indented) {
      return stripNewline(indented.getLiteral());
    } else if (node instanceof HtmlBlock raw) {
      return stripNewline(raw.getLiteral());
    } else if (node instanceof HtmlInline raw) {
      return raw.getLiteral();
    } else if (node instanceof SoftLineBreak || node instanceof HardLineBreak) {
      return "\n";
    } else if (node instanceof ThematicBreak) {
      return "———";
    }
    return null;
  }

  private void link(Link link) {
    String url = link.getDestination() == null ? "" : link.getDestination();
    String scheme = url.contains(":") ? url.substring(0, url.indexOf(':')) : "";
    // Telegram rejects a whole message over a link it does not accept: only web and tg links.
    if (scheme.equalsIgnoreCase("http")
        || scheme.equalsIgnoreCase("https")
        || scheme.equalsIgnoreCase("tg")) {
      markup("<a href=\"" + escape(url).replace("\"", "&quot;") + "\">");
      inlines(link);
      markup("</a>");
    } else {
      inlines(link);
    }
  }

  private void tagged(String tag, Node node) {
    markup("<" + tag + ">");
    inlines(node);
    markup("</" + tag + ">");
  }

  private void markup(String tag) {
    html.append(tag);
  }

  private void text(String s) {
    html.append(escape(s));
    plain.append(s);
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String stripNewline(String s) {
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }
}
