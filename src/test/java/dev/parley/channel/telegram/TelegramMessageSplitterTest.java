package dev.parley.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.channel.telegram.TelegramHtml.Rendered;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Splitting before rendering: each part fits as Telegram counts, is balanced, and cut well. */
class TelegramMessageSplitterTest {
  private final TelegramMessageSplitter telegram = new TelegramMessageSplitter(4096);

  private static String visible(List<Rendered> parts) {
    return parts.stream().map(Rendered::plain).collect(Collectors.joining("\n\n"));
  }

  @Test
  void shortTextIsOnePart() {
    List<Rendered> parts = telegram.split("Hello **you**");
    assertEquals(1, parts.size());
    assertEquals("Hello <b>you</b>", parts.get(0).html());
  }

  @Test
  void longTextSplitsOnParagraphBoundaries() {
    String paragraph = "word ".repeat(199) + "end."; // 999 characters
    String text =
        String.join("\n\n", List.of(paragraph, paragraph, paragraph, paragraph, paragraph));
    List<Rendered> parts = telegram.split(text);
    assertEquals(2, parts.size());
    assertEquals(4 * 999 + 3 * 2, parts.get(0).visibleLength());
    assertEquals(paragraph, parts.get(1).plain());
  }

  @Test
  void limitIsCountedAfterEntities() {
    // 4000 visible characters, but far more in HTML: & becomes &amp; and bold adds tags.
    String text = "**" + "&".repeat(2000) + "**\n\n" + "<".repeat(2000);
    List<Rendered> parts = telegram.split(text);
    assertEquals(1, parts.size());
    assertEquals(4002, parts.get(0).visibleLength());
    assertTrue(parts.get(0).html().length() > 4096);
  }

  @Test
  void astralCharactersCountAsTwoUnits() {
    String text = "😀".repeat(1500) + "\n\n" + "😀".repeat(1500);
    List<Rendered> parts = telegram.split(text);
    assertEquals(2, parts.size());
    parts.forEach(p -> assertEquals(3000, p.visibleLength()));
  }

  @Test
  void oversizedParagraphSplitsOnLinesAndKeepsMarkupBalanced() {
    String line = "- **item** with `code` and _emphasis_ " + "x".repeat(60);
    String list = String.join("\n", java.util.Collections.nCopies(80, line));
    List<Rendered> parts = telegram.split(list);
    assertTrue(parts.size() >= 2, "parts: " + parts.size());
    for (Rendered part : parts) {
      assertTrue(part.visibleLength() <= 4096);
      TelegramHtmlTest.assertBalanced(part.html());
      assertTrue(part.plain().startsWith("• item"), part.plain().substring(0, 20));
    }
  }

  @Test
  void oversizedCodeBlockKeepsItsFenceInEveryPart() {
    String code = "```python\n" + "print('hello world')\n".repeat(400) + "```";
    List<Rendered> parts = telegram.split(code);
    assertTrue(parts.size() >= 2);
    for (Rendered part : parts) {
      assertTrue(part.visibleLength() <= 4096);
      assertTrue(part.html().startsWith("<pre><code class=\"language-python\">"), part.html());
      assertTrue(part.html().endsWith("</code></pre>"));
    }
  }

  @Test
  void oneHugeLineIsCutAtSpaces() {
    String text = "lorem ipsum ".repeat(1000).strip();
    List<Rendered> parts = telegram.split(text);
    assertEquals(3, parts.size());
    for (Rendered part : parts) {
      assertTrue(part.visibleLength() <= 4096);
      assertTrue(part.plain().endsWith("lorem") || part.plain().endsWith("ipsum"), part.plain());
    }
    assertEquals(text.replace(" ", ""), visible(parts).replace("\n", "").replace(" ", ""));
  }

  /** Renders like Telegram, and fails once more text went through it than {@code factor} x n. */
  private static Function<String, Rendered> budget(long factor, String text) {
    AtomicLong rendered = new AtomicLong();
    long allowed = factor * text.length();
    return markdown -> {
      if (rendered.addAndGet(markdown.length()) > allowed) {
        throw new AssertionError("rendered more than " + factor + " x the reply's length");
      }
      return TelegramHtml.render(markdown);
    };
  }

  @Test
  void aHugeReplyIsSplitWithWorkInProportionToItsLength() {
    // Rendering the rest of the reply again for each part would take minutes on 4 MB.
    List<String> replies =
        List.of(
            "lorem ipsum ".repeat(350_000),
            "x".repeat(4 << 20),
            "a\n\n".repeat(150_000),
            "a line of text\n".repeat(70_000),
            "```java\n" + "int x = 1; // code\n".repeat(50_000) + "```");
    for (String reply : replies) {
      List<Rendered> parts = new TelegramMessageSplitter(4096, budget(8, reply)).split(reply);
      parts.forEach(p -> assertTrue(p.visibleLength() <= 4096, p.plain().substring(0, 40)));
      int shown = parts.stream().mapToInt(Rendered::visibleLength).sum();
      assertTrue(shown > reply.length() / 4, "too little shown: " + shown);
    }
  }

  @Test
  void aCutInsideAWordKeepsEmojiAndAccentsWhole() {
    String family = "👩\u200D👩\u200D👧\u200D👦";
    String families = family.repeat(1000);
    List<Rendered> parts = telegram.split(families);
    assertEquals(families, parts.stream().map(Rendered::plain).collect(Collectors.joining()));
    parts.forEach(p -> assertEquals(0, p.visibleLength() % family.length(), "a family cut"));
    String accents = "e\u0301".repeat(3000);
    List<Rendered> cut = telegram.split(accents);
    assertEquals(accents, cut.stream().map(Rendered::plain).collect(Collectors.joining()));
    cut.forEach(p -> assertTrue(p.plain().startsWith("e"), "an accent cut off"));
  }

  @Test
  void smallLimitsAlwaysMakeProgress() {
    TelegramMessageSplitter tiny = new TelegramMessageSplitter(10);
    List<Rendered> parts = tiny.split("abcdefghijklmnopqrstuvwxyz **bold words here**");
    parts.forEach(p -> assertTrue(p.visibleLength() <= 10, p.plain()));
    assertTrue(parts.size() >= 4);
  }
}
