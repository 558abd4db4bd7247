package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationEvent.ConfirmationRequested;
import dev.parley.conversation.ConversationEvent.ConfirmationResolved;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.MessageRejected;
import dev.parley.conversation.ConversationEvent.ReplyAbandoned;
import dev.parley.conversation.ConversationEvent.ReplyDelivered;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import dev.parley.conversation.InternalCommand.ResolveRejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Remembers, across the restart that follows, what the journal refused to store. A refused write
 * (the journal could not serialize an event) makes Pekko throw; the entity is restarted by its
 * supervisor and recovers without the refused events. This object (a field of the entity, which the
 * restart keeps) knows the command being handled and the events it produced, so the new incarnation
 * can record a handled failure in their place — the message rejected with a notice, the turn failed
 * with a notice — instead of redoing the same write until the turn's attempts run out or the sender
 * gives up. Should that replacement be refused too, it gives up rather than loop. Confined to the
 * entity's actor: not thread-safe, and never serialized.
 */
final class RejectedWrites {
  private ConversationCommand command;
  private int inboxBefore;
  private final List<ConversationEvent> applied = new ArrayList<>();
  private Rejection rejected;
  private Rejection resolving;

  /**
   * What was refused: the command (its reply is still owed), its events, and the cause; {@code
   * givenUp} when even the replacement was refused.
   */
  record Rejection(
      ConversationCommand command, List<ConversationEvent> events, String cause, boolean givenUp) {

    /**
     * What to store instead, using only Parley's own texts: a receipt or a rejection becomes a
     * rejection with {@code notice}; a reply's mark keeps its id only; anything about a turn (its
     * start, end, or question) fails that turn with {@code failureNotice}. Empty when nothing
     * replaces it (a status or a note is simply not kept).
     */
    List<ConversationEvent> replacement(
        ConversationState state, String notice, String failureNotice, Instant now) {
      List<ConversationEvent> out = new ArrayList<>();
      for (ConversationEvent event : events) {
        if (event instanceof MessageAccepted m && !state.alreadyAccepted(m.messageId())) {
          out.add(
              new MessageRejected(
                  m.messageId(), ConversationError.UNSTORABLE.code(), notice, now, m.address()));
        } else if (event instanceof MessageRejected m && !state.alreadyAccepted(m.messageId())) {
          out.add(
              new MessageRejected(
                  m.messageId(), ConversationError.UNSTORABLE.code(), notice, now, m.address()));
        } else if (event instanceof ReplyDelivered d) {
          // Sent, but its channel ids could not be stored: marked without them, so that it is
          // not sent again and again.
          out.add(new ReplyDelivered(d.replyId(), List.of(), now));
        } else if (event instanceof ReplyAbandoned a) {
          out.add(
              new ReplyAbandoned(a.replyId(), "abandoned (its reason could not be stored)", now));
        }
      }
      TurnFailed failed = failedTurn(state, failureNotice, now);
      if (failed != null) {
        out.add(failed);
      }
      return out;
    }

    private TurnFailed failedTurn(ConversationState state, String notice, Instant now) {
      Long turnId = null;
      Set<String> ids = new LinkedHashSet<>();
      for (ConversationEvent event : events) {
        if (event instanceof TurnStarted s) {
          turnId = s.turnId();
          ids.addAll(s.messageIds());
        } else if (event instanceof TurnCompleted c) {
          turnId = c.turnId();
          c.user().forEach(line -> ids.add(line.id()));
        } else if (event instanceof TurnFailed f) {
          turnId = f.turnId();
          ids.addAll(f.messageIds());
        } else if (event instanceof ConfirmationRequested r) {
          turnId = r.request().turnId();
          r.request().user().forEach(line -> ids.add(line.id()));
        }
      }
      var running = state.running();
      boolean resolution = events.stream().anyMatch(e -> e instanceof ConfirmationResolved);
      boolean receipt = events.stream().anyMatch(e -> e instanceof MessageAccepted);
      if (turnId == null && resolution && !receipt && running != null) {
        // A press or the timeout could not be recorded: the parked turn ends rather than wait
        // for an answer it can never store. (A "yes" text refused with its receipt is only
        // that message's failure: the question stays.)
        turnId = running.turnId();
      }
      if (turnId == null) {
        return null;
      }
      if (running != null && running.turnId() == turnId) {
        ids.addAll(running.messageIds());
      }
      // Only messages still waiting: a refused receipt never entered the inbox.
      ids.retainAll(state.inbox().stream().map(UserLine::id).toList());
      if (ids.isEmpty() && (running == null || running.turnId() != turnId)) {
        // A turn refused together with its only message's receipt never began: the message's
        // rejection is all there is to record.
        return null;
      }
      return new TurnFailed(
          turnId,
          List.copyOf(ids),
          ConversationError.UNSTORABLE.code(),
          "the journal refused to store the turn: " + cause,
          notice,
          now);
    }

    /** The message id the command carried, for the log; null when it had none. */
    String messageId() {
      return command instanceof AcceptMessage a ? a.messageId() : null;
    }
  }

  /** A live command is being handled in {@code state}; its events follow. */
  void handling(ConversationState state, ConversationCommand next) {
    command = next;
    inboxBefore = state.inbox().size();
    applied.clear();
  }

  /** An event on its way to the journal (ignored while recovering: no command is handled). */
  void applied(ConversationEvent event) {
    if (command != null) {
      applied.add(event);
    }
  }

  /**
   * The journal refused the events of the command being handled. When that command was the
   * replacement of an earlier refusal, the earlier one is given up instead: trying again would only
   * be refused again.
   */
  void rejected(Throwable cause) {
    String reason = cause == null ? "unknown" : cause.getClass().getName();
    rejected =
        command instanceof ResolveRejection && resolving != null
            ? new Rejection(resolving.command(), resolving.events(), reason, true)
            : new Rejection(command, List.copyOf(applied), reason, false);
  }

  /** The inbox size before the refused command, which is what the inbox gauge counted. */
  int inboxBefore() {
    return inboxBefore;
  }

  /** A new incarnation starts recovering: what it replays is not live. */
  void restarting() {
    command = null;
    applied.clear();
  }

  /** The refusal the previous incarnation saw, once; null when there was none. */
  Rejection take() {
    Rejection r = rejected;
    rejected = null;
    return r;
  }

  /** {@code rejection} is being replaced now (null: that is over). */
  void resolving(Rejection rejection) {
    resolving = rejection;
  }
}
