package dev.parley.bench;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Matches the replies a channel double receives to the messages the bench posted: per chat, the
 * oldest message still waiting gets the next reply (a conversation answers its messages one turn
 * each, in order). That holds only while each chat has at most one webhook unanswered at a time, as
 * Telegram sends them: two posts racing on separate connections could be stored in either order.
 * The bench's loads keep to that. A reply no message waits for is counted as unexpected.
 */
final class ChannelReplies {
  private final ConcurrentHashMap<String, ArrayDeque<CompletableFuture<Long>>> waiting =
      new ConcurrentHashMap<>();
  private final LongAdder matched = new LongAdder();
  private final LongAdder unexpected = new LongAdder();
  private final LongAccumulator lastArrival = new LongAccumulator(Math::max, Long.MIN_VALUE);

  /**
   * A message to {@code chat} is about to be posted: the returned future completes with the {@link
   * System#nanoTime()} its reply reached the double.
   */
  CompletableFuture<Long> expect(String chat) {
    CompletableFuture<Long> reply = new CompletableFuture<>();
    waiting.compute(
        chat,
        (key, queue) -> {
          ArrayDeque<CompletableFuture<Long>> q = queue == null ? new ArrayDeque<>(2) : queue;
          q.addLast(reply);
          return q;
        });
    return reply;
  }

  /** The message was not stored (its post failed): no reply will come for it. */
  void forget(String chat, CompletableFuture<Long> reply) {
    waiting.computeIfPresent(
        chat,
        (key, queue) -> {
          queue.remove(reply);
          return queue.isEmpty() ? null : queue;
        });
  }

  /**
   * Called by a double for every reply (one sent message) to {@code chat} arriving at {@code at}.
   */
  void arrived(String chat, long at) {
    AtomicReference<CompletableFuture<Long>> next = new AtomicReference<>();
    waiting.computeIfPresent(
        chat,
        (key, queue) -> {
          next.set(queue.pollFirst());
          return queue.isEmpty() ? null : queue;
        });
    CompletableFuture<Long> reply = next.get();
    if (reply == null) {
      unexpected.increment();
      return;
    }
    matched.increment();
    lastArrival.accumulate(at);
    // Outside the map's lock: whoever waits on it runs now, on the double's thread.
    reply.complete(at);
  }

  /** Replies matched to a message so far. */
  long matched() {
    return matched.sum();
  }

  long unexpected() {
    return unexpected.sum();
  }

  /** When the latest matched reply arrived ({@link System#nanoTime()}); MIN_VALUE before any. */
  long lastArrival() {
    return lastArrival.get();
  }
}
