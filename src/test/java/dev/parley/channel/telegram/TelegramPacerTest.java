package dev.parley.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The buckets' arithmetic with the real defaults from reference.conf, on a hand-moved clock. */
class TelegramPacerTest {
  private final TelegramSettings.Pacing defaults =
      TelegramSettings.from(ConfigFactory.load()).pacing();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final TelegramPacer pacer = new TelegramPacer(defaults, now::get);

  /** When each of {@code count} sends to {@code chatId} goes out (ms from the start). */
  private List<Long> reserveMillis(String chatId, int count) {
    long start = now.get();
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      times.add(Duration.ofNanos(sendAt(chatId) - start).toMillis());
    }
    return times;
  }

  /** Asks the pacer until it books, moving the clock as told; returns the booked time. */
  private long sendAt(String chatId) {
    for (Duration wait = pacer.reserve(chatId); !wait.isZero(); wait = pacer.reserve(chatId)) {
      now.addAndGet(wait.toNanos());
    }
    return now.get();
  }

  @Test
  void aPrivateChatBurstsThreeThenOneASecond() {
    assertEquals(List.of(0L, 0L, 0L, 1000L, 2000L, 3000L), reserveMillis("42", 6));
  }

  @Test
  void aGroupBurstsFiveThenTwentyAMinute() {
    // The group's own bucket (20/min, burst 5) is stricter than the chat's (1/s, burst 3)
    // once the first three are out.
    assertEquals(List.of(0L, 0L, 0L, 1000L, 2000L, 3000L, 6000L), reserveMillis("-1001", 7));
  }

  @Test
  void theBotSendsThirtyASecondOverAllChats() {
    long start = now.get();
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      times.add(sendAt(String.valueOf(1000 + i)) - start);
    }
    for (int i = 0; i < 30; i++) {
      assertEquals(0L, times.get(i));
    }
    assertEquals(Duration.ofSeconds(1).toNanos() / 30, times.get(30), 1);
    assertEquals(2 * Duration.ofSeconds(1).toNanos() / 30, times.get(31), 2);
  }

  @Test
  void tokensComeBackWithTime() {
    reserveMillis("7", 3);
    now.addAndGet(Duration.ofSeconds(4).toNanos());
    // Two seconds after the third slot (at 2 s) the bucket holds three tokens again.
    assertEquals(List.of(0L, 0L, 0L, 1000L), reserveMillis("7", 4));
  }

  @Test
  void aPauseHoldsTheChatUntilItIsOver() {
    pacer.pause("9", Duration.ofSeconds(5));
    assertEquals(5000L, pacer.reserve("9").toMillis());
    // A paused chat books nothing, so the bot's tokens stay free for the others.
    assertEquals(List.of(0L, 0L, 0L), reserveMillis("10", 3));
    assertEquals(List.of(5000L), reserveMillis("9", 1));
  }

  @Test
  void typingHasABudgetOfItsOwnAndNeverTakesAReplysToken() {
    int allowed = 0;
    for (int i = 0; i < 100; i++) {
      if (pacer.tryTyping("chat-" + i)) {
        allowed++;
      }
    }
    assertEquals(defaults.typingBurst(), allowed, "a burst, then nothing until tokens come back");
    // The replies' buckets are untouched: a reply to a fresh chat still goes out at once.
    assertEquals(Duration.ZERO, pacer.reserve("7"));
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertTrue(pacer.tryTyping("chat-1"), "the budget refills");
  }

  @Test
  void aChatPausedAfterA429ShowsNoTyping() {
    pacer.pause("42", Duration.ofSeconds(30));
    assertFalse(pacer.tryTyping("42"));
    assertTrue(pacer.tryTyping("43"));
    now.addAndGet(Duration.ofSeconds(31).toNanos());
    assertTrue(pacer.tryTyping("42"));
  }
}
