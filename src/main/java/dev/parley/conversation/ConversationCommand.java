package dev.parley.conversation;

import dev.parley.CborSerializable;
import dev.parley.text.Utf16;
import java.time.Duration;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * What a conversation entity understands. These commands cross nodes through sharding ({@link
 * Advance} too: a stopping entity sends it to its next incarnation); the ones only the entity sends
 * itself (model and tool results, timers) are package-private, in {@link InternalCommand}. Strings
 * from outside are made well-formed UTF-16 as a command is built: Jackson could not serialize a
 * lone surrogate to another node, nor the journal store it.
 */
public sealed interface ConversationCommand extends CborSerializable
    permits ConversationCommand.Ask,
        ConversationCommand.GetConversation,
        ConversationCommand.Stop,
        ConversationCommand.Advance,
        InternalCommand {

  /**
   * A command answered with a {@link StatusReply}: whatever the entity cannot do now (erasing, a
   * refused write) it refuses with a {@link ConversationError}, the same way for each of them.
   */
  sealed interface Ask<R> extends ConversationCommand
      permits AcceptMessage,
          RejectMessage,
          UpdateDeliveryStatus,
          PressButton,
          RecordNote,
          AwaitOutcome,
          Erase {
    ActorRef<StatusReply<R>> replyTo();
  }

  /** Take a message into the inbox; answered once its receipt is persisted. */
  record AcceptMessage(
      String messageId,
      String text,
      String sender,
      ReplyAddress address,
      ActorRef<StatusReply<Accepted>> replyTo)
      implements Ask<Accepted> {
    public AcceptMessage {
      messageId = Utf16.wellFormed(messageId);
      text = Utf16.wellFormed(text);
      sender = Utf16.wellFormed(sender);
    }

    public AcceptMessage(
        String messageId, String text, String sender, ActorRef<StatusReply<Accepted>> replyTo) {
      this(messageId, text, sender, null, replyTo);
    }
  }

  /**
   * Receive a message that starts no turn (e.g. not text): it is remembered like any receipt, and
   * the user gets {@code notice}.
   */
  record RejectMessage(
      String messageId,
      String reason,
      String notice,
      ReplyAddress address,
      ActorRef<StatusReply<Accepted>> replyTo)
      implements Ask<Accepted> {
    public RejectMessage {
      messageId = Utf16.wellFormed(messageId);
      reason = Utf16.wellFormed(reason);
      notice = Utf16.wellFormed(notice);
    }
  }

  /** A channel reports what became of a sent message (e.g. WhatsApp: delivered, read). */
  record UpdateDeliveryStatus(
      String channelMessageId, String status, ActorRef<StatusReply<Done>> replyTo)
      implements Ask<Done> {
    public UpdateDeliveryStatus {
      channelMessageId = Utf16.wellFormed(channelMessageId);
      status = Utf16.wellFormed(status);
    }
  }

  /**
   * A button was pressed ({@code data} as the channel handed it back) by the channel user {@code
   * userId}. Answered {@code accepted}, {@code expired} (nothing asks that any more) or {@code
   * not-yours} (a group confirmation counts only from the user it asked).
   */
  record PressButton(String data, String userId, ActorRef<StatusReply<String>> replyTo)
      implements Ask<String> {
    public PressButton {
      data = Utf16.wellFormed(data);
      userId = Utf16.wellFormed(userId);
    }
  }

  /** Record something about the chat that starts no turn (bot added, group migrated). */
  record RecordNote(String noteId, String kind, String detail, ActorRef<StatusReply<Done>> replyTo)
      implements Ask<Done> {
    public RecordNote {
      noteId = Utf16.wellFormed(noteId);
      kind = Utf16.wellFormed(kind);
      detail = Utf16.wellFormed(detail);
    }
  }

  /** Answer once the given message's turn is over (or at once if it already is). */
  record AwaitOutcome(
      String messageId, Duration maxWait, ActorRef<StatusReply<MessageOutcome>> replyTo)
      implements Ask<MessageOutcome> {
    public AwaitOutcome {
      messageId = Utf16.wellFormed(messageId);
    }

    /** Waits as long as the entity allows anyone to (the asker's own deadline still applies). */
    public AwaitOutcome(String messageId, ActorRef<StatusReply<MessageOutcome>> replyTo) {
      this(messageId, Duration.ofMinutes(10), replyTo);
    }
  }

  /** The newest {@code limit} completed turns older than {@code beforeTurnId} (0: newest). */
  record GetConversation(int limit, long beforeTurnId, ActorRef<ConversationView> replyTo)
      implements ConversationCommand {}

  /** Erase every stored event and snapshot of this conversation, then stop. */
  record Erase(ActorRef<StatusReply<Done>> replyTo) implements Ask<Done> {}

  /** Sent by sharding on hand-off and passivation. */
  enum Stop implements ConversationCommand {
    INSTANCE
  }

  /** Look for work: start the next turn or resume one cut off by a crash. */
  enum Advance implements ConversationCommand {
    INSTANCE
  }

  /** Reply to {@link AcceptMessage}: the id as stored and whether it was seen before. */
  record Accepted(String messageId, boolean duplicate) implements CborSerializable {
    public Accepted {
      messageId = Utf16.wellFormed(messageId);
    }
  }

  /**
   * Reply to {@link AwaitOutcome}: {@code completed}, {@code failed} or {@code rejected}, and the
   * text the user got (the reply, or the notice).
   */
  record MessageOutcome(String messageId, String outcome, String replyText)
      implements CborSerializable {
    public MessageOutcome {
      messageId = Utf16.wellFormed(messageId);
      replyText = Utf16.wellFormed(replyText);
    }
  }
}
