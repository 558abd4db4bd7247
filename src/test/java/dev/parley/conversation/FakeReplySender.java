package dev.parley.conversation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process {@link ReplySender} for entity tests (a fake of our own port, not a mock): holds
 * every send until the test settles it, and counts sends in flight.
 */
final class FakeReplySender implements ReplySender {
  record Send(OutboundReply reply, CompletableFuture<DeliveryResult> result) {
    void deliver(String... ids) {
      result.complete(new DeliveryResult.Delivered(List.of(ids)));
    }
  }

  private final LinkedBlockingQueue<Send> sends = new LinkedBlockingQueue<>();
  final ConcurrentLinkedQueue<ReplyAddress> typing = new ConcurrentLinkedQueue<>();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();

  @Override
  public CompletionStage<DeliveryResult> send(OutboundReply reply) {
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    CompletableFuture<DeliveryResult> result = new CompletableFuture<>();
    sends.add(new Send(reply, result));
    // The caller gets the stage after the count (see ScriptedModel): otherwise the next send can
    // start before the decrement and maxInFlight sees 2 under load.
    return result.whenComplete((r, e) -> inFlight.decrementAndGet());
  }

  @Override
  public void typing(String conversationKey, ReplyAddress address) {
    typing.add(address);
  }

  Send next(Duration within) {
    try {
      Send send = sends.poll(within.toMillis(), TimeUnit.MILLISECONDS);
      if (send == null) {
        throw new AssertionError("no send within " + within);
      }
      return send;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  int waiting() {
    return sends.size();
  }
}
