package dev.parley.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code --mode burst}: M messages (default 1) to each of N conversations, sent as fast as C
 * connections allow, each conversation's next message once its previous one was acknowledged (as
 * Telegram delivers a chat's updates), then the wait until the node has completed every turn. With
 * a slow model this shows how many model calls one node keeps in flight (the model double counts
 * them) and how long the last conversation waits after its message was acknowledged; the
 * acknowledgements' latency shows whether receipts stay fast while the model is busy. Through a
 * channel's webhook, where the answer never waits for the turn, every reply is timed at the
 * channel's double: messages completed per second (from the first post to the last reply) and each
 * message's latency from its post to its reply.
 */
final class Burst {
  /** How long the turns may take after the last acknowledgement before the run gives up. */
  private static final Duration COMPLETION_DEADLINE = Duration.ofMinutes(5);

  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration POST_TIMEOUT = Duration.ofSeconds(30);

  /** How long {@code --idle-heap} waits for the conversations to passivate. */
  private static final Duration PASSIVATION_DEADLINE = Duration.ofMinutes(5);

  record Result(
      ChannelReport channel,
      int conversations,
      int messagesPerConversation,
      int connections,
      long modelLatencyMs,
      double postSeconds,
      long acknowledged,
      long failed,
      LatencyHistogram ackLatency,
      double lastTurnAfterLastAckSeconds,
      long turnsCompleted,
      long turnsFailed,
      Replies replies,
      int modelMaxInFlight,
      double nodeCpuSeconds,
      double heapUsedBytes,
      double heapAfterGcBytes,
      double liveEntitiesAtGc) {}

  /**
   * The replies at a channel's double (null for the chat API): how many matched a message, how many
   * matched none, their latency from post to arrival, and the last one's time after the first post.
   */
  record Replies(
      long count, long unexpected, LatencyHistogram latency, double lastAfterFirstPostSeconds) {
    /** Messages whose reply arrived, per second from the first post to the last reply. */
    double completedPerSecond() {
      return lastAfterFirstPostSeconds > 0 ? count / lastAfterFirstPostSeconds : 0;
    }
  }

  private Burst() {}

  /**
   * Warm-up bursts of the same size to other conversations, one after another until {@code
   * --warmup} seconds have passed (none with {@code --warmup 0}), then the measured one. A node
   * fresh from its start compiles its hot code for about a minute on 2 cores: a single warm-up
   * burst of a few seconds left the measured one running at half speed or less.
   */
  static Result run(BenchOptions o, ParleyNode node, ModelDouble model, BenchChannel channel)
      throws Exception {
    AtomicLong sequence = new AtomicLong();
    if (o.warmupSeconds() > 0) {
      long until = System.nanoTime() + Duration.ofSeconds(o.warmupSeconds()).toNanos();
      int round = 0;
      do {
        round++;
        once(o, node, model, channel, sequence, round * o.conversations());
      } while (System.nanoTime() < until);
      BenchMain.say(
          "warm-up: " + round + " bursts of " + o.conversations() + " conversations done");
      model.resetMaxInFlight();
    }
    return once(o, node, model, channel, sequence, 0);
  }

  /** One burst to users {@code firstUser} .. {@code firstUser + N - 1}. */
  private static Result once(
      BenchOptions o,
      ParleyNode node,
      ModelDouble model,
      BenchChannel channel,
      AtomicLong sequence,
      int firstUser)
      throws Exception {
    ChannelWire wire = channel.wire(node.apiRoot(), 0);
    ChannelReplies replies = channel.webhooks() ? channel.replies() : null;
    long repliesBefore = replies == null ? 0 : replies.matched();
    long unexpectedBefore = replies == null ? 0 : replies.unexpected();
    NodeMetrics before = node.metrics();
    double completedBefore = before.value("parley_turns_total", "outcome", "completed");
    double failedBefore = before.value("parley_turns_total", "outcome", "failed");
    double cpuBefore = ProcessCpu.seconds(node.pid());
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            // As in LoadGenerator: the client's steps run where they are triggered (its selector
            // thread); none blocks, and a hand-off to the default pool per step cost more.
            .executor(Runnable::run)
            .build();
    int n = o.conversations();
    int perConversation = o.messagesPerConversation();
    Semaphore slots = new Semaphore(o.connections());
    // Conversations whose next message may go: each goes back in once its last one is answered.
    BlockingQueue<Integer> ready = new LinkedBlockingQueue<>();
    for (int i = 0; i < n; i++) {
      ready.add(i);
    }
    int[] posted = new int[n];
    LatencyHistogram acks = new LatencyHistogram();
    LatencyHistogram replyLatency = new LatencyHistogram();
    LongAdder acknowledged = new LongAdder();
    LongAdder failed = new LongAdder();
    AtomicLong lastAck = new AtomicLong();
    long start = System.nanoTime();
    for (long k = 0, total = (long) n * perConversation; k < total; k++) {
      slots.acquire();
      int i = ready.take();
      boolean more = ++posted[i] < perConversation;
      long user = firstUser + i;
      HttpRequest post = wire.post(user, sequence.incrementAndGet(), POST_TIMEOUT);
      long sent = System.nanoTime();
      // Expected before the post: the reply may reach the double before the answer reaches us.
      CompletableFuture<Long> reply = replies == null ? null : replies.expect(wire.chatOf(user));
      if (reply != null) {
        reply.thenAccept(at -> replyLatency.record(at - sent));
      }
      http.sendAsync(post, HttpResponse.BodyHandlers.ofString())
          .whenComplete(
              (response, error) -> {
                long now = System.nanoTime();
                if (error == null && wire.classify(response).acknowledged()) {
                  acks.record(now - sent);
                  acknowledged.increment();
                  lastAck.accumulateAndGet(now, Math::max);
                } else {
                  failed.increment();
                  if (reply != null) {
                    replies.forget(wire.chatOf(user), reply);
                  }
                }
                if (more) {
                  ready.add(i);
                }
                slots.release();
              });
    }
    slots.acquire(o.connections());
    double postSeconds = (System.nanoTime() - start) / 1e9;
    long expected = acknowledged.sum();
    Poll.until(
        COMPLETION_DEADLINE,
        POLL,
        () -> {
          if (replies != null) {
            // Every stored message ends in one message back: the reply, or a notice.
            return replies.matched() - repliesBefore >= expected;
          }
          NodeMetrics now = node.metrics();
          return now.value("parley_turns_total", "outcome", "completed")
                  - completedBefore
                  + now.value("parley_turns_total", "outcome", "failed")
                  - failedBefore
              >= expected;
        });
    long lastTurn = System.nanoTime();
    NodeMetrics end = node.metrics();
    double completed = end.value("parley_turns_total", "outcome", "completed") - completedBefore;
    double turnsFailed = end.value("parley_turns_total", "outcome", "failed") - failedBefore;
    Replies seen = null;
    if (replies != null) {
      lastTurn = replies.lastArrival();
      seen =
          new Replies(
              replies.matched() - repliesBefore,
              replies.unexpected() - unexpectedBefore,
              replyLatency,
              (replies.lastArrival() - start) / 1e9);
    }
    double cpu = ProcessCpu.seconds(node.pid()) - cpuBefore;
    if (o.idleHeap()) {
      awaitPassivation(node);
    }
    node.fullGc();
    NodeMetrics afterGc = node.metrics();
    return new Result(
        channel.report(wire),
        n,
        perConversation,
        o.connections(),
        o.modelLatencyMs(),
        postSeconds,
        expected,
        failed.sum(),
        acks,
        (lastTurn - lastAck.get()) / 1e9,
        (long) completed,
        (long) turnsFailed,
        seen,
        model.maxInFlight(),
        cpu,
        end.value("parley_jvm_heap_used_bytes"),
        afterGc.value("parley_jvm_heap_used_bytes"),
        afterGc.value("parley_live_entities"));
  }

  /**
   * Waits until the node's live conversations have passivated (they stop after {@code
   * parley.conversation.passivate-idle-after}, 2 min by default: give the node a shorter one with
   * {@code --heap "-Dparley.conversation.passivate-idle-after=10s ..."}).
   */
  static void awaitPassivation(ParleyNode node) throws InterruptedException {
    Poll.until(
        PASSIVATION_DEADLINE,
        Duration.ofMillis(500),
        () -> node.metrics().value("parley_live_entities") == 0);
  }
}
