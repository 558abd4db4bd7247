package dev.parley.channel.telegram;

import dev.parley.channel.TokenBucket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Paces sendMessage with token buckets per chat, per group and for the whole bot (Telegram's
 * approximate limits, bursts allowed), and "typing…" with a budget of its own ({@link #tryTyping}).
 * {@link #reserve} books a slot only when it is free now, else says how long to wait before asking
 * again, so the caller schedules instead of blocking. Idle buckets are dropped, so memory follows
 * the chats that are sending now.
 */
final class TelegramPacer {
  private static final int CLEAN_EVERY = 1024;

  private final TelegramSettings.Pacing pacing;
  private final LongSupplier nanoTime;
  private final TokenBucket bot;
  private final TokenBucket typing;
  private final Map<String, TokenBucket> chats = new HashMap<>();
  private final Map<String, TokenBucket> groups = new HashMap<>();
  private int reservations;

  TelegramPacer(TelegramSettings.Pacing pacing, LongSupplier nanoTime) {
    this.pacing = pacing;
    this.nanoTime = nanoTime;
    this.bot = new TokenBucket(pacing.botPerSecond(), pacing.botBurst());
    this.typing = new TokenBucket(pacing.typingPerSecond(), pacing.typingBurst());
  }

  /**
   * Whether a "typing…" for {@code chatId} may go out now: a token of the bot's typing budget is
   * free, and the chat has a token too (it is not paused after a 429, nor spent by replies going
   * out). Books only the typing token if so; never waits, and never spends what replies use.
   */
  synchronized boolean tryTyping(String chatId) {
    long now = nanoTime.getAsLong();
    TokenBucket chat = chats.get(chatId);
    if (chat != null && chat.emptyAt(now)) {
      return false;
    }
    if (typing.emptyAt(now)) {
      return false;
    }
    typing.take(now);
    return true;
  }

  /**
   * Books a slot for a message to {@code chatId} now and answers zero, or books nothing and answers
   * how long to wait before asking again. Booking only what goes out now keeps one paused chat from
   * holding the bot's or a group's tokens for later.
   */
  synchronized Duration reserve(String chatId) {
    long now = nanoTime.getAsLong();
    if (++reservations % CLEAN_EVERY == 0) {
      chats.values().removeIf(b -> b.idleAt(now));
      groups.values().removeIf(b -> b.idleAt(now));
    }
    TokenBucket chat =
        chats.computeIfAbsent(
            chatId, id -> new TokenBucket(pacing.chatPerSecond(), pacing.chatBurst()));
    TokenBucket group =
        isGroup(chatId)
            ? groups.computeIfAbsent(
                chatId, id -> new TokenBucket(pacing.groupPerMinute() / 60d, pacing.groupBurst()))
            : null;
    long at = Math.max(bot.earliest(now), chat.earliest(now));
    if (group != null) {
      at = Math.max(at, group.earliest(now));
    }
    if (at > now) {
      return Duration.ofNanos(at - now);
    }
    if (group != null) {
      group.take(now);
    }
    chat.take(now);
    bot.take(now);
    return Duration.ZERO;
  }

  /** After a 429 for {@code chatId}: nothing more to that chat before {@code wait} is over. */
  synchronized void pause(String chatId, Duration wait) {
    long until = nanoTime.getAsLong() + wait.toNanos();
    chats
        .computeIfAbsent(chatId, id -> new TokenBucket(pacing.chatPerSecond(), pacing.chatBurst()))
        .pauseUntil(until);
  }

  /** Group and supergroup ids are negative; users' private chats are positive. */
  static boolean isGroup(String chatId) {
    return chatId.startsWith("-");
  }
}
