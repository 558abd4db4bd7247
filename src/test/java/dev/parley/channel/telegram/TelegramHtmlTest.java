package dev.parley.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.channel.telegram.TelegramHtml.Rendered;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Markdown to Telegram HTML: supported tags only, balanced, everything else escaped. */
class TelegramHtmlTest {
  private static final Pattern TAG = Pattern.compile("<(/?)([a-z]+)[^>]*>");
  private static final Set<String> SUPPORTED =
      Set.of("b", "i", "u", "s", "code", "pre", "a", "blockquote");

  /** Every tag is supported and closed in order; no stray < or > outside tags. */
  static void assertBalanced(String html) {
    Deque<String> open = new ArrayDeque<>();
    Matcher m = TAG.matcher(html);
    int last = 0;
    while (m.find()) {
      assertNoBareBrackets(html.substring(last, m.start()), html);
      last = m.end();
      String name = m.group(2);
      assertTrue(SUPPORTED.contains(name), "unsupported tag " + name + " in " + html);
      if (m.group(1).isEmpty()) {
        open.push(name);
      } else {
        assertEquals(open.pop(), name, html);
      }
    }
    assertNoBareBrackets(html.substring(last), html);
    assertTrue(open.isEmpty(), "unclosed " + open + " in " + html);
  }

  private static void assertNoBareBrackets(String text, String html) {
    assertFalse(text.contains("<") || text.contains(">"), html);
  }

  @Test
  void inlineMarkupMapsToTelegramTags() {
    Rendered r =
        TelegramHtml.render("**bold** *it* ~~gone~~ `x < y` [site](https://example.org/?a=1&b=2)");
    assertEquals(
        "<b>bold</b> <i>it</i> <s>gone</s> <code>x &lt; y</code>"
            + " <a href=\"https://example.org/?a=1&amp;b=2\">site</a>",
        r.html());
    assertEquals("bold it gone x < y site", r.plain());
  }

  @Test
  void headingsBecomeBoldAndListsBulletLines() {
    Rendered r = TelegramHtml.render("# Title\n\n- one\n- two\n  - nested\n\n1. first\n2. second");
    assertEquals("<b>Title</b>\n\n• one\n• two\n  • nested\n\n1. first\n2. second", r.html());
  }

  @Test
  void codeBlocksAndQuotes() {
    Rendered r = TelegramHtml.render("```java\nif (a < b && c) {}\n```\n\n> quoted *text*");
    assertEquals(
        "<pre><code class=\"language-java\">if (a &lt; b &amp;&amp; c) {}</code></pre>\n\n"
            + "<blockquote>quoted <i>text</i></blockquote>",
        r.html());
    assertBalanced(r.html());
  }

  @Test
  void rawHtmlAndUnknownLinksAreEscapedText() {
    Rendered r =
        TelegramHtml.render(
            "<script>alert(1)</script>\n\nhi <b>there</b> [x](javascript:alert(1))");
    assertBalanced(r.html());
    assertTrue(r.html().contains("&lt;script&gt;"), r.html());
    assertTrue(r.html().contains("hi &lt;b&gt;there&lt;/b&gt; x"), r.html());
    assertFalse(r.html().contains("href"), r.html());
  }

  @Test
  void visibleLengthCountsTextAfterEntitiesInUtf16Units() {
    Rendered r = TelegramHtml.render("**a & b** 😀");
    assertEquals("<b>a &amp; b</b> 😀", r.html());
    assertEquals(8, r.visibleLength());
  }

  @Test
  void nestedMarkupStaysBalanced() {
    assertBalanced(
        TelegramHtml.render("> - **bold _and it_** `c`\n> - [**l**](https://x.y)\n\n***x***")
            .html());
  }

  @Test
  void deepNestingRendersFlatInsteadOfOverflowingTheStack() {
    // One line of a few thousand list markers or quote marks nests as deep: rendered as markup
    // level by level it overflowed the stack, and each list level added its indentation to every
    // line inside it.
    for (String marker : List.of("- ", "> ", "1. ", "* _a ")) {
      String markdown = marker.repeat(20_000) + "end";
      Rendered r = TelegramHtml.render(markdown);
      assertTrue(r.plain().endsWith("end"), marker + ": " + r.plain());
      assertTrue(r.visibleLength() < 2 * markdown.length(), marker + ": " + r.visibleLength());
      assertBalanced(r.html());
    }
    Rendered shallow = TelegramHtml.render("- a\n  - b\n    - c");
    assertEquals("• a\n  • b\n    • c", shallow.plain());
  }
}
