package dev.parley.conversation;

import dev.parley.async.Backoff;
import dev.parley.conversation.ConversationEvent.ReplyAbandoned;
import dev.parley.conversation.ConversationEvent.ReplyDelivered;
import dev.parley.conversation.DeliveryResult.Delivered;
import dev.parley.conversation.InternalCommand.DeliveryFinished;
import dev.parley.conversation.InternalCommand.RetryDelivery;
import dev.parley.conversation.InternalCommand.Typing;
import dev.parley.metrics.ConversationMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Works the outbox: sends the oldest unconfirmed reply through the channel's {@link ReplySender},
 * one at a time so a conversation's replies go out in order, and says which event records the
 * result. A send that could not finish is tried again after a growing, jittered pause (Parley's
 * shared {@link Backoff}, unlimited attempts), for as long as it takes: an unconfirmed reply is
 * never dropped. A send whose result does not come back within the send timeout (a lost command)
 * counts as one that could not finish, so the outbox never waits for it forever.
 */
final class DeliveryRunner {

  private final String key;
  private final ActorContext<ConversationCommand> context;
  private final TimerScheduler<ConversationCommand> timers;
  private final ReplySender sender;
  private final Backoff backoff;
  private final Duration typingEvery;
  private final Duration sendTimeout;
  private final ConversationMetrics metrics;
  private final String channel;

  /**
   * Drawn once per entity incarnation and sent with every reply, because senders remember a
   * half-sent reply's parts by reply id so that a retry resumes after them, and reply ids start
   * over after an erasure ("turn-1" again). An erasure always ends the incarnation (the entity
   * stops), so a later reply of the same id never meets the erased one's progress, on whichever
   * node it was left. A restart draws a new token as well: a reply half-sent before it is sent
   * whole again afterwards, as after a hand-off to another node (a part may show twice, none goes
   * missing).
   */
  private final String incarnation = UUID.randomUUID().toString();

  /** The reply of the send under way, or null. */
  private String inFlight;

  /** Counts the sends started; each result carries its send's number. */
  private long generation;

  /** Failed sends in a row; the n-th failure is followed by retry n of the backoff. */
  private int failures;

  DeliveryRunner(
      String key,
      ActorContext<ConversationCommand> context,
      TimerScheduler<ConversationCommand> timers,
      ReplySender sender,
      ConversationSettings settings,
      ConversationMetrics metrics) {
    this.key = key;
    this.context = context;
    this.timers = timers;
    this.sender = sender;
    this.backoff =
        Backoff.exponential(
            settings.deliveryRetryMin(), settings.deliveryRetryMax(), Backoff.UNLIMITED);
    this.typingEvery = settings.typingEvery();
    this.sendTimeout = settings.deliverySendTimeout();
    this.metrics = metrics;
    this.channel = ConversationKey.parse(key).channel();
  }

  /** Whether a send may be running or a retry is due: nothing else may start meanwhile. */
  boolean busy() {
    return inFlight != null || timers.isTimerActive(TimerKey.DELIVERY_RETRY);
  }

  ReplySender sender() {
    return sender;
  }

  /**
   * Starts sending the head of the outbox unless a send is already under way, and the watchdog that
   * gives up waiting for its result: a result can be lost (a stashed command dropped on overflow),
   * and the outbox would stay stuck behind it forever.
   */
  void kick(ConversationState state) {
    if (sender == null || busy() || state.outbox().isEmpty()) {
      return;
    }
    PendingReply head = state.outbox().get(0);
    long sending = ++generation;
    inFlight = head.replyId();
    CompletionStage<DeliveryResult> send;
    try {
      send =
          sender.send(
              new OutboundReply(
                  key, head.replyId(), head.text(), head.address(), head.buttons(), incarnation));
    } catch (RuntimeException e) {
      send = CompletableFuture.failedFuture(e);
    }
    timers.startSingleTimer(
        TimerKey.DELIVERY_WATCHDOG,
        new DeliveryFinished(head.replyId(), sending, null, "no result within " + sendTimeout),
        sendTimeout);
    context.pipeToSelf(
        send,
        (result, error) ->
            new DeliveryFinished(
                head.replyId(),
                sending,
                result,
                error == null ? null : String.valueOf(error.getMessage())));
  }

  /**
   * The event recording the send's outcome, or null: stale (of another send, or after the watchdog
   * gave up on it), or failed and to be retried later. Called from a command handler only, as it
   * draws the retry's random pause.
   */
  ConversationEvent onFinished(DeliveryFinished cmd, Instant now) {
    if (!release(cmd)) {
      return null;
    }
    if (cmd.error() != null || cmd.result() == null) {
      failures++;
      // Drawn here, in the command handler that called this: an event handler never draws.
      Duration pause = backoff.delay(failures);
      context
          .getLog()
          .warn("{}: sending {} failed ({}), again in {}", key, cmd.replyId(), cmd.error(), pause);
      timers.startSingleTimer(TimerKey.DELIVERY_RETRY, RetryDelivery.INSTANCE, pause);
      metrics.delivery(channel, "failed");
      metrics.deliveryRetry(channel);
      return null;
    }
    failures = 0;
    if (cmd.result() instanceof Delivered delivered) {
      metrics.delivery(channel, "delivered");
      return new ReplyDelivered(cmd.replyId(), delivered.channelMessageIds(), now);
    }
    String reason = ((DeliveryResult.Abandoned) cmd.result()).reason();
    context.getLog().info("{}: reply {} abandoned: {}", key, cmd.replyId(), reason);
    metrics.delivery(channel, "abandoned");
    return new ReplyAbandoned(cmd.replyId(), reason, now);
  }

  /**
   * Ends the send under way if {@code cmd} is its result (or its watchdog), without recording
   * anything: what an erasure in progress does with it, as nothing may be persisted then. True if
   * it was.
   */
  boolean release(DeliveryFinished cmd) {
    // A send's generation, not its reply id: after the watchdog gave up on a send, a retry of
    // the same reply may run while the first is still out, and only its own result may end it.
    if (inFlight == null || cmd.generation() != generation) {
      return false;
    }
    inFlight = null;
    timers.cancel(TimerKey.DELIVERY_WATCHDOG);
    return true;
  }

  /**
   * After recovery: a send that was under way before a restart keeps the runner busy until its
   * result arrives, but the restart cancelled its watchdog (a supervised restart cancels the
   * actor's timers), and the result may have been dropped with the stash: the watchdog is armed
   * again, so the outbox cannot stay stuck behind a lost result.
   */
  void afterRestart() {
    if (inFlight != null && !timers.isTimerActive(TimerKey.DELIVERY_WATCHDOG)) {
      timers.startSingleTimer(
          TimerKey.DELIVERY_WATCHDOG,
          new DeliveryFinished(inFlight, generation, null, "no result after a restart"),
          sendTimeout);
    }
  }

  /**
   * Erasure: no retry and no typing. A send already under way keeps the runner busy until its
   * result or its watchdog arrives (see {@link #release}): should the erasure fail, the
   * conversation goes on, and a second send of the same reply must not start beside the first.
   */
  void abandon() {
    timers.cancel(TimerKey.DELIVERY_RETRY);
    stopTyping();
  }

  /** Shows "typing…" now and refreshes it until {@link #stopTyping}. */
  void startTyping(ReplyAddress address) {
    if (sender != null && address != null) {
      sender.typing(key, address);
      timers.startTimerWithFixedDelay(TimerKey.TYPING, Typing.INSTANCE, typingEvery);
    }
  }

  void refreshTyping(ReplyAddress address) {
    if (sender == null || address == null) {
      stopTyping();
    } else {
      sender.typing(key, address);
    }
  }

  void stopTyping() {
    timers.cancel(TimerKey.TYPING);
  }
}
