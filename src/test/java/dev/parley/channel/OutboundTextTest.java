package dev.parley.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Cut points that keep characters whole, lone surrogates replaced, and the length cap. */
class OutboundTextTest {
  @Test
  void aCutNeverSplitsASurrogatePair() {
    String text = "ab😀cd";
    assertEquals(2, OutboundText.cutBefore(text, 3, 0));
    assertEquals(4, OutboundText.cutBefore(text, 4, 0));
    // Nothing after the floor to cut at: the first character after it goes whole.
    assertEquals(2, OutboundText.cutBefore("😀😀", 1, 0));
  }

  @Test
  void aCutKeepsCommonClustersWhole() {
    // e + combining acute accent
    assertEquals(3, OutboundText.cutBefore("abce\u0301f", 4, 0));
    // thumbs up + skin tone modifier
    assertEquals(1, OutboundText.cutBefore("a👍🏽", 3, 0));
    // heart + variation selector 16
    assertEquals(1, OutboundText.cutBefore("a\u2764\uFE0F", 2, 0));
    // family: woman ZWJ woman ZWJ girl, cut after a ZWJ or before one
    String family = "a👩\u200D👩\u200D👧";
    for (int i = 2; i < family.length(); i++) {
      assertEquals(1, OutboundText.cutBefore(family, i, 0), "cut at " + i);
    }
    // flags are pairs of regional indicators: DE FR
    String flags = "a🇩🇪🇫🇷";
    assertEquals(5, OutboundText.cutBefore(flags, 5, 0));
    assertEquals(5, OutboundText.cutBefore(flags, 7, 0));
    assertEquals(1, OutboundText.cutBefore(flags, 3, 0));
    assertEquals(1, OutboundText.cutBefore("a\r\nb", 2, 0));
  }

  @Test
  void anEndlessClusterIsCutAtACodePoint() {
    String zalgo = "a" + "\u0301".repeat(100);
    assertEquals(50, OutboundText.cutBefore(zalgo, 50, 0));
  }

  @Test
  void truncatingPrefersAWordEndAndKeepsCharactersWhole() {
    assertEquals("hello world", OutboundText.truncate("hello world foo", 13));
    assertEquals("😀😀", OutboundText.truncate("😀😀😀", 5));
    String same = "short";
    assertSame(same, OutboundText.truncate(same, 5));
  }
}
