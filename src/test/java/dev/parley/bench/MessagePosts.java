package dev.parley.bench;

import dev.parley.bench.LoadTally.Outcome;
import dev.parley.bench.Workload.Settled;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Messages from users picked by a {@link ConversationPicker}, each with a unique number, posted
 * through a {@link ChannelWire}: the chat API or a channel's webhook. Without {@link
 * ChannelReplies} a message is settled by the node's answer (for the chat API with {@code ?wait=},
 * that answer waits for the turn). With them (a channel end to end, where the webhook's answer
 * never waits for the turn) a stored message is settled when its reply reaches the channel's
 * double, and its latency runs from the post to that arrival; each chat then has at most one post
 * unanswered at a time, as Telegram delivers them, so that replies match their messages.
 */
final class MessagePosts implements Workload {
  private static final Outcome REPLIED = new Outcome("200 stored, reply arrived", true, true, true);

  private final ChannelWire wire;
  private final ConversationPicker picker;
  private final Duration timeout;
  private final ChannelReplies replies;
  private final Duration replyTimeout;
  private final Outcome noReply;
  private final AtomicIntegerArray posting;
  private final AtomicLong sequence = new AtomicLong();

  /** Settled by the node's answer. */
  MessagePosts(ChannelWire wire, ConversationPicker picker, Duration timeout) {
    this(wire, picker, timeout, null, Duration.ZERO);
  }

  /** With {@code replies}, settled when the reply arrives, or after {@code replyTimeout}. */
  MessagePosts(
      ChannelWire wire,
      ConversationPicker picker,
      Duration timeout,
      ChannelReplies replies,
      Duration replyTimeout) {
    this.wire = wire;
    this.picker = picker;
    this.timeout = timeout;
    this.replies = replies;
    this.replyTimeout = replyTimeout;
    this.noReply =
        new Outcome(
            "200 stored, no reply in " + replyTimeout.toSeconds() + " s", false, true, false);
    this.posting = replies == null ? null : new AtomicIntegerArray(picker.conversations());
  }

  @Override
  public CompletionStage<Settled> send(HttpClient http) {
    long n = sequence.incrementAndGet();
    if (replies == null) {
      return http.sendAsync(
              wire.post(picker.next(), n, timeout), HttpResponse.BodyHandlers.ofString())
          .thenApply(response -> Settled.onArrival(wire.classify(response)));
    }
    int user = claimIdleChat();
    String chat = wire.chatOf(user);
    // Before the post: the reply may reach the double before the answer reaches us.
    CompletableFuture<Long> reply = replies.expect(chat);
    return http.sendAsync(wire.post(user, n, timeout), HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, error) -> {
              posting.set(user, 0);
              Outcome answer = error == null ? wire.classify(response) : null;
              if (answer == null || !answer.acknowledged()) {
                replies.forget(chat, reply);
                if (error != null) {
                  throw error instanceof CompletionException c ? c : new CompletionException(error);
                }
                return CompletableFuture.completedFuture(Settled.onArrival(answer));
              }
              return reply
                  .orTimeout(replyTimeout.toMillis(), TimeUnit.MILLISECONDS)
                  .handle(
                      (at, late) ->
                          late == null ? new Settled(REPLIED, at) : Settled.onArrival(noReply));
            })
        .thenCompose(Function.identity());
  }

  /**
   * A picked user whose chat has no post unanswered; after a few tries, the next such chat after
   * one picked. There always is one: {@link BenchOptions} asks for more conversations than posts in
   * flight.
   */
  private int claimIdleChat() {
    for (int attempt = 0; attempt < 16; attempt++) {
      int user = picker.next();
      if (posting.compareAndSet(user, 0, 1)) {
        return user;
      }
    }
    int start = picker.next();
    int n = picker.conversations();
    for (int i = 0; i < n; i++) {
      int user = (start + i) % n;
      if (posting.compareAndSet(user, 0, 1)) {
        return user;
      }
    }
    throw new IllegalStateException("every chat has a post unanswered");
  }
}
