package dev.parley.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class Utf16Test {
  private static final String GRIN = "\uD83D\uDE00"; // 😀, a surrogate pair

  @Test
  void wellFormedTextIsReturnedItself() {
    String text = "a " + GRIN + " b";
    assertSame(text, Utf16.wellFormed(text));
    assertTrue(Utf16.isWellFormed(text));
  }

  @Test
  void loneSurrogatesBecomeReplacementCharacters() {
    assertEquals("a \uFFFD b", Utf16.wellFormed("a \uD83D b"));
    assertEquals("\uFFFD", Utf16.wellFormed("\uDE00"));
    assertEquals("x\uFFFD", Utf16.wellFormed("x\uD83D"));
    assertEquals("\uFFFD" + GRIN + "\uFFFD", Utf16.wellFormed("\uDE00" + GRIN + "\uD83D"));
    assertEquals("\uFFFD" + GRIN, Utf16.wellFormed("\uD83D" + GRIN));
    assertFalse(Utf16.isWellFormed("a \uD83D b"));
  }

  @Test
  void listsAreCleanedElementByElement() {
    List<String> clean = List.of("a", "b");
    assertSame(clean, Utf16.wellFormed(clean));
    assertEquals(List.of("a", "\uFFFD", "c"), Utf16.wellFormed(List.of("a", "\uD83D", "c")));
  }

  @Test
  void cutsNeverSplitASurrogatePair() {
    String text = "ab" + GRIN + "cd";
    assertEquals("ab", Utf16.cut(text, 3));
    assertEquals("ab" + GRIN, Utf16.cut(text, 4));
    assertSame(text, Utf16.cut(text, 6));
    assertEquals("ab…", Utf16.cut(text, 4, "…"));
    assertTrue(Utf16.isWellFormed(Utf16.cut(GRIN.repeat(100), 51)));
  }

  @Test
  void everyCutOfEveryPrefixIsWellFormed() {
    String text = "x" + GRIN + GRIN + "y" + GRIN;
    for (int max = 0; max <= text.length(); max++) {
      String cut = Utf16.cut(text, max);
      assertTrue(Utf16.isWellFormed(cut), "cut at " + max);
      assertTrue(cut.length() <= max);
    }
  }
}
