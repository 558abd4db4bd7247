package dev.parley.conversation;

import dev.parley.CborSerializable;
import dev.parley.llm.Usage;
import dev.parley.text.Utf16;
import java.time.Instant;
import java.util.List;

/**
 * What a conversation records in its journal. Events are forever: add fields as optional, and
 * rename or restructure only with a JacksonMigration. Times come from the entity's injected clock,
 * never from the event handler. Every string is made well-formed UTF-16 as the event is built (a
 * lone surrogate becomes U+FFFD): Jackson refuses to write a lone surrogate, and the journal would
 * reject the event.
 */
public sealed interface ConversationEvent extends CborSerializable {
  Instant at();

  /**
   * A message entered the inbox: the durable receipt the sender was acknowledged with. {@code
   * address} (added after v1, null in older events and for the chat API) says where the reply goes.
   */
  record MessageAccepted(
      String messageId, String text, String sender, Instant at, ReplyAddress address)
      implements ConversationEvent {
    public MessageAccepted {
      messageId = Utf16.wellFormed(messageId);
      text = Utf16.wellFormed(text);
      sender = Utf16.wellFormed(sender);
    }

    public MessageAccepted(String messageId, String text, String sender, Instant at) {
      this(messageId, text, sender, at, null);
    }
  }

  /**
   * A message was received but starts no turn (inbox or outbox full, not text, too long, too fast);
   * the user gets {@code notice}. {@code address} was added after v1.
   */
  record MessageRejected(
      String messageId, String reason, String notice, Instant at, ReplyAddress address)
      implements ConversationEvent {
    public MessageRejected {
      messageId = Utf16.wellFormed(messageId);
      reason = Utf16.wellFormed(reason);
      notice = Utf16.wellFormed(notice);
    }

    public MessageRejected(String messageId, String reason, String notice, Instant at) {
      this(messageId, reason, notice, at, null);
    }
  }

  /** A turn (its attempt'th try) is about to call the model for the given messages. */
  record TurnStarted(long turnId, List<String> messageIds, int attempt, Instant at)
      implements ConversationEvent {
    public TurnStarted {
      messageIds = Utf16.wellFormed(messageIds);
    }
  }

  /** The tool-call loop ended with a reply: the whole turn enters the history at once. */
  record TurnCompleted(
      long turnId,
      List<UserLine> user,
      List<ToolCallRecord> toolCalls,
      String reply,
      Instant at,
      Usage usage,
      String model)
      implements ConversationEvent {
    public TurnCompleted {
      reply = Utf16.wellFormed(reply);
      model = Utf16.wellFormed(model);
    }

    /** As stored before turns kept their tokens and model (which read back as null). */
    public TurnCompleted(
        long turnId,
        List<UserLine> user,
        List<ToolCallRecord> toolCalls,
        String reply,
        Instant at) {
      this(turnId, user, toolCalls, reply, at, null, null);
    }
  }

  /** The turn gave up (model failed, watchdog, crash loop); the user got {@code notice}. */
  record TurnFailed(
      long turnId, List<String> messageIds, String code, String reason, String notice, Instant at)
      implements ConversationEvent {
    public TurnFailed {
      messageIds = Utf16.wellFormed(messageIds);
      code = Utf16.wellFormed(code);
      reason = Utf16.wellFormed(reason);
      notice = Utf16.wellFormed(notice);
    }
  }

  /** A reply (or notice) reached the channel, as these channel message ids, in order. */
  record ReplyDelivered(String replyId, List<String> channelMessageIds, Instant at)
      implements ConversationEvent {
    public ReplyDelivered {
      replyId = Utf16.wellFormed(replyId);
      channelMessageIds = Utf16.wellFormed(channelMessageIds);
    }
  }

  /** A reply will never be delivered (bot blocked, chat gone, outside the window). */
  record ReplyAbandoned(String replyId, String reason, Instant at) implements ConversationEvent {
    public ReplyAbandoned {
      replyId = Utf16.wellFormed(replyId);
      reason = Utf16.wellFormed(reason);
    }
  }

  /** The channel reported a status for one of our messages (sent, delivered, read, failed). */
  record DeliveryStatusChanged(String channelMessageId, String status, Instant at)
      implements ConversationEvent {
    public DeliveryStatusChanged {
      channelMessageId = Utf16.wellFormed(channelMessageId);
      status = Utf16.wellFormed(status);
    }
  }

  /** A fact about the chat that starts no turn: bot added or removed, group migrated. */
  record NoteRecorded(String kind, String detail, Instant at, String noteId)
      implements ConversationEvent {
    public NoteRecorded {
      kind = Utf16.wellFormed(kind);
      detail = Utf16.wellFormed(detail);
      noteId = Utf16.wellFormed(noteId);
    }

    /** {@code noteId} (added later) is the channel's id of what was noted, for dedupe. */
    public NoteRecorded(String kind, String detail, Instant at) {
      this(kind, detail, at, null);
    }
  }

  /**
   * The running attempt was stopped on purpose (shutdown, rebalance): the turn is redone by the
   * next owner without counting the attempt as a crash.
   */
  record TurnInterrupted(long turnId, int attempt, Instant at) implements ConversationEvent {}

  /**
   * The model asked for a tool that needs the user's yes: the turn parks with everything needed to
   * resume it, and the question goes out (with buttons where the channel has them).
   */
  record ConfirmationRequested(PendingConfirmation request, Instant at)
      implements ConversationEvent {}

  /**
   * The user answered (or did not, in time): {@code approved} runs the calls, otherwise they go
   * back to the model as refused. {@code answerMessageId} is the message that answered, when it was
   * a text ("yes"); it joins the parked turn.
   */
  record ConfirmationResolved(
      String confirmationId, boolean approved, String reason, String answerMessageId, Instant at)
      implements ConversationEvent {
    public ConfirmationResolved {
      confirmationId = Utf16.wellFormed(confirmationId);
      reason = Utf16.wellFormed(reason);
      answerMessageId = Utf16.wellFormed(answerMessageId);
    }
  }

  /**
   * A turn changed the conversation's memory (remember, forget): {@code facts} is the whole memory
   * after the change. Stored in the same write as the turn's end (or its confirmation question),
   * just before it, so a turn that fails or is redone leaves the memory as it was.
   */
  record MemoryChanged(List<String> facts, Instant at) implements ConversationEvent {
    public MemoryChanged {
      facts = Utf16.wellFormed(facts);
    }
  }

  /**
   * The turn {@code turnId} ran {@code clear_history}: every turn before it leaves the history the
   * model and the chat API see (the memory and the remembered message ids stay). Stored in the same
   * write as that turn's end (or its confirmation question), just before it.
   */
  record HistoryCleared(long turnId, Instant at) implements ConversationEvent {}
}
