package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.Advance;
import dev.parley.conversation.ConversationCommand.RecordNote;
import dev.parley.conversation.ConversationCommand.RejectMessage;
import dev.parley.conversation.ConversationCommand.UpdateDeliveryStatus;
import dev.parley.conversation.ConversationEvent.DeliveryStatusChanged;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.MessageRejected;
import dev.parley.conversation.ConversationEvent.NoteRecorded;
import dev.parley.metrics.ConversationMetrics;
import dev.parley.metrics.ConversationMetrics.Receipt;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The entity's front door: what a channel hands a conversation (messages, rejections, delivery
 * statuses, notes) is decided here and persisted before it is acknowledged. A message id already
 * seen is answered as a duplicate without a second receipt; a message past the inbox cap or a
 * group's rate gets a rejection with a notice instead of a turn. While a question is parked, the
 * entity first asks {@link #answerToQuestion} whether a message goes to the question instead.
 */
final class MessageIntake {
  private final String key;
  private final ActorContext<ConversationCommand> context;
  private final ConversationDeps deps;
  private final ConversationSettings settings;
  private final DeliveryRunner delivery;
  private final EffectFactories<ConversationEvent, ConversationState> effect;
  private final ConversationMetrics metrics;

  MessageIntake(
      String key,
      ActorContext<ConversationCommand> context,
      ConversationDeps deps,
      DeliveryRunner delivery,
      EffectFactories<ConversationEvent, ConversationState> effect) {
    this.key = key;
    this.context = context;
    this.deps = deps;
    this.settings = deps.settings();
    this.delivery = delivery;
    this.effect = effect;
    this.metrics = deps.metrics();
  }

  /**
   * The receipt of a message that answers the parked question, if it does: a new message of
   * acceptable length from the user asked. A yes or no goes before the caps (refused, it would
   * leave the turn parked until the question's timeout); anything else moves on from the question
   * only if the caps let it in.
   */
  Optional<MessageAccepted> answerToQuestion(ConversationState state, AcceptMessage cmd) {
    PendingConfirmation pending = state.pendingConfirmation();
    if (pending == null
        || !pending.asks(cmd.address())
        || state.alreadyAccepted(cmd.messageId())
        || tooLong(cmd)) {
      return Optional.empty();
    }
    if (PendingConfirmation.yesOrNo(cmd.text()).isEmpty() && refusal(state).isPresent()) {
      return Optional.empty();
    }
    context.getLog().debug("{}: accepted {}", key, cmd.messageId());
    return Optional.of(receipt(cmd));
  }

  /**
   * The receipt of a message that starts a turn at once, if it does: one that would be accepted
   * (new, of acceptable length, let in by the caps) while nothing waits in the inbox and no turn is
   * recorded as running. The entity asks only when idle; {@link TurnFlow#acceptAndStart} then
   * stores the receipt and the turn's start in one write.
   */
  Optional<MessageAccepted> startsTurn(ConversationState state, AcceptMessage cmd) {
    if (!state.inbox().isEmpty()
        || state.running() != null
        || state.alreadyAccepted(cmd.messageId())
        || tooLong(cmd)
        || refusal(state).isPresent()) {
      return Optional.empty();
    }
    context.getLog().debug("{}: accepted {}", key, cmd.messageId());
    return Optional.of(receipt(cmd));
  }

  private boolean tooLong(AcceptMessage cmd) {
    return cmd.text() == null || cmd.text().length() > settings.maxTextChars();
  }

  private MessageAccepted receipt(AcceptMessage cmd) {
    return new MessageAccepted(
        cmd.messageId(), cmd.text(), cmd.sender(), deps.clock().instant(), cmd.address());
  }

  /** A message that does not answer a parked question (see {@link #answerToQuestion}). */
  ReplyEffect<ConversationEvent, ConversationState> onAccept(
      ConversationState state, AcceptMessage cmd) {
    if (state.alreadyAccepted(cmd.messageId())) {
      metrics.receipt(Receipt.DUPLICATE);
      return effect.reply(cmd.replyTo(), StatusReply.success(new Accepted(cmd.messageId(), true)));
    }
    if (tooLong(cmd)) {
      return effect.reply(cmd.replyTo(), ConversationError.TEXT_TOO_LONG.reply());
    }
    Accepted accepted = new Accepted(cmd.messageId(), false);
    Optional<Refusal> refusal = refusal(state);
    if (refusal.isPresent()) {
      String reason = refusal.get().reason;
      context.getLog().info("{}: {}, rejecting {}", key, reason, cmd.messageId());
      String notice =
          refusal.get() == Refusal.TOO_FAST
              ? settings.slowDownNotice()
              : settings.inboxFullNotice();
      return effect
          .persist(
              new MessageRejected(
                  cmd.messageId(),
                  reason,
                  noticeToQueue(state, notice),
                  deps.clock().instant(),
                  cmd.address()))
          .thenRun(
              next -> {
                metrics.receipt(Receipt.REJECTED);
                delivery.kick(next);
              })
          .thenReply(cmd.replyTo(), next -> StatusReply.success(accepted));
    }
    context.getLog().debug("{}: accepted {}", key, cmd.messageId());
    return effect
        .persist(receipt(cmd))
        .thenRun(
            next -> {
              metrics.receipt(Receipt.ACCEPTED);
              metrics.inboxDepthChanged(1);
              context.getSelf().tell(Advance.INSTANCE);
            })
        .thenReply(cmd.replyTo(), next -> StatusReply.success(accepted));
  }

  /**
   * {@code notice}, or null when the user got the same notice within the last minute or it still
   * waits in the outbox: one a minute per kind is enough, a flood must not flood the outbox back,
   * and while sends are stuck one queued copy is all the user could get anyway.
   */
  private String noticeToQueue(ConversationState state, String notice) {
    if (notice == null) {
      return null;
    }
    var minuteAgo = deps.clock().instant().minusSeconds(60);
    boolean told =
        state.recent().entries().stream()
            .anyMatch(e -> notice.equals(e.notice()) && e.at().isAfter(minuteAgo));
    boolean queued = state.outbox().stream().anyMatch(r -> notice.equals(r.text()));
    return told || queued ? null : notice;
  }

  /** Why a message is refused at the door; {@code reason} is what {@code MessageRejected} keeps. */
  private enum Refusal {
    INBOX_FULL("inbox-full"),
    // Replies are not getting out: a turn would cost a model call for one more unsendable reply.
    OUTBOX_FULL("outbox-full"),
    TOO_FAST("too-fast");

    private final String reason;

    Refusal(String reason) {
      this.reason = reason;
    }
  }

  /** Why a new message would start no turn now, if it would not. */
  private Optional<Refusal> refusal(ConversationState state) {
    if (state.inbox().size() >= settings.maxInbox()) {
      return Optional.of(Refusal.INBOX_FULL);
    }
    if (state.outbox().size() >= settings.maxOutbox()) {
      return Optional.of(Refusal.OUTBOX_FULL);
    }
    if (key.startsWith("group:")) {
      var minuteAgo = deps.clock().instant().minusSeconds(60);
      long lastMinute =
          state.recent().entries().stream()
              .filter(e -> e.at().isAfter(minuteAgo) && e.outcome() != Outcome.REJECTED)
              .count();
      if (lastMinute >= settings.groupMaxPerMinute()) {
        return Optional.of(Refusal.TOO_FAST);
      }
    }
    return Optional.empty();
  }

  ReplyEffect<ConversationEvent, ConversationState> onReject(
      ConversationState state, RejectMessage cmd) {
    if (state.alreadyAccepted(cmd.messageId())) {
      return effect.reply(cmd.replyTo(), StatusReply.success(new Accepted(cmd.messageId(), true)));
    }
    // Recorded every time (dedupe, outcome); only its notice is limited, like a full inbox's.
    return effect
        .persist(
            new MessageRejected(
                cmd.messageId(),
                cmd.reason(),
                noticeToQueue(state, cmd.notice()),
                deps.clock().instant(),
                cmd.address()))
        .thenRun(delivery::kick)
        .thenReply(
            cmd.replyTo(), next -> StatusReply.success(new Accepted(cmd.messageId(), false)));
  }

  ReplyEffect<ConversationEvent, ConversationState> onDeliveryStatus(
      ConversationState state, UpdateDeliveryStatus cmd) {
    if (!ChannelStatus.known(cmd.status())) {
      return effect.reply(cmd.replyTo(), ConversationError.UNKNOWN_STATUS.reply());
    }
    DeliveryStatusChanged changed =
        new DeliveryStatusChanged(cmd.channelMessageId(), cmd.status(), deps.clock().instant());
    if (state.statusChanged(changed) == state) {
      // A repeat, a late "sent" after "read", or a message that left the window: writing it
      // would change nothing, and the channel gets the same answer either way. (A status for a
      // send still in flight does change the state: it is held until its id is known.)
      return effect.reply(cmd.replyTo(), StatusReply.success(Done.getInstance()));
    }
    return effect
        .persist(changed)
        .thenReply(cmd.replyTo(), next -> StatusReply.success(Done.getInstance()));
  }

  ReplyEffect<ConversationEvent, ConversationState> onNote(
      ConversationState state, RecordNote cmd) {
    if (cmd.noteId() != null && state.alreadyAccepted(cmd.noteId())) {
      return effect.reply(cmd.replyTo(), StatusReply.success(Done.getInstance()));
    }
    return effect
        .persist(new NoteRecorded(cmd.kind(), cmd.detail(), deps.clock().instant(), cmd.noteId()))
        .thenReply(cmd.replyTo(), next -> StatusReply.success(Done.getInstance()));
  }
}
