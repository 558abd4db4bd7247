package dev.parley.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.channel.telegram.TelegramHtml.Rendered;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A reply's text as Telegram parts: the cap and its notice, and lone surrogates. */
class TelegramReplyTextTest {
  private static final String NOTICE = "… (reply cut: <too> long & more)";
  private final TelegramReplyText text = new TelegramReplyText(100, 250, NOTICE);

  @Test
  void aReplyWithinTheCapIsOnlySplit() {
    List<Rendered> parts = text.parts("**short** reply");
    assertEquals(List.of(new Rendered("<b>short</b> reply", "short reply")), parts);
  }

  @Test
  void aReplyPastTheCapIsCutAndEndsWithTheNotice() {
    List<Rendered> parts = text.parts("word ".repeat(100));
    Rendered last = parts.get(parts.size() - 1);
    assertTrue(last.plain().endsWith("word\n\n" + NOTICE), last.plain());
    assertTrue(
        last.html().endsWith("word\n\n… (reply cut: &lt;too&gt; long &amp; more)"), last.html());
    int kept = parts.stream().mapToInt(Rendered::visibleLength).sum() - NOTICE.length() - 2;
    assertTrue(kept <= 250 && kept > 200, "kept " + kept);
    parts.forEach(p -> assertTrue(p.visibleLength() <= 100, p.plain()));
  }

  @Test
  void theNoticeGoesAloneWhenTheLastPartIsFull() {
    List<Rendered> parts = new TelegramReplyText(100, 200, NOTICE).parts("x".repeat(300));
    assertEquals(
        List.of(100, 100, NOTICE.length()), parts.stream().map(Rendered::visibleLength).toList());
    assertEquals(NOTICE, parts.get(2).plain());
  }

  @Test
  void aLoneSurrogateBecomesTheReplacementCharacter() {
    assertEquals("a \uFFFD b", text.parts("a \uD83D b").get(0).plain());
  }
}
