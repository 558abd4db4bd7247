package dev.parley.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Bot tokens in URLs are masked; text without one is left as it is. */
class BotTokenRedactionTest {
  @Test
  void theTokenOfABotApiPathIsMasked() {
    assertEquals(
        "POST https://api.telegram.org/bot<redacted>/sendMessage Strict -> 200 OK",
        BotTokenRedaction.redact(
            "POST https://api.telegram.org/bot123456:AAH-x_y/sendMessage Strict -> 200 OK"));
    assertEquals(
        "[/bot<redacted>/getMe] and /bot<redacted>",
        BotTokenRedaction.redact("[/bot1:a-b/getMe] and /bot22%3Acd"));
  }

  @Test
  void textWithoutATokenIsTheSameString() {
    String text = "a /bottle/ of /bot/ and robots:1";
    assertSame(text, BotTokenRedaction.redact(text));
    assertFalse(BotTokenRedaction.leaks(text));
    assertFalse(BotTokenRedaction.leaks((Throwable) null));
  }

  @Test
  void aCauseChainHoldingATokenIsRebuiltWithoutIt() {
    Throwable inner = new TimeoutException("GET /bot1:secret/getMe Empty");
    Throwable outer = new IllegalStateException("pool failed", inner);
    assertTrue(BotTokenRedaction.leaks(outer));
    Throwable safe = BotTokenRedaction.redact(outer);
    assertEquals("java.lang.IllegalStateException: pool failed", safe.getMessage());
    assertEquals(
        "java.util.concurrent.TimeoutException: GET /bot<redacted>/getMe Empty",
        safe.getCause().getMessage());
    assertEquals(outer.getStackTrace().length, safe.getStackTrace().length);
    Throwable clean = new IllegalStateException("no token here");
    assertSame(clean, BotTokenRedaction.redact(clean));
  }
}
