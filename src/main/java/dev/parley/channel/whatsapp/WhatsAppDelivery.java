package dev.parley.channel.whatsapp;

import dev.parley.conversation.ConversationKey;
import dev.parley.conversation.InboundMessage;
import dev.parley.conversation.ReplyAddress;
import java.util.List;

/**
 * One webhook delivery, parsed: the parts to record, in the order Meta listed them, and the errors
 * Meta reported (to log). A part is a message that starts a turn, a message refused with a notice,
 * or a delivery status of one of our sent messages.
 */
public record WhatsAppDelivery(List<Part> parts, List<ReportedError> errors, int ignored) {
  public WhatsAppDelivery {
    parts = List.copyOf(parts);
    errors = List.copyOf(errors);
  }

  /** Something in the delivery that one conversation records. */
  public sealed interface Part {
    ConversationKey key();

    /** The id the part is known by in logs: a message id or a sent message's wamid. */
    String id();
  }

  /** A message the conversation takes as a turn's input. */
  public record Inbound(ConversationKey key, InboundMessage message) implements Part {
    @Override
    public String id() {
      return message.messageId();
    }
  }

  /** A message received but not usable (not text, too long): the user gets {@code notice}. */
  public record Refused(
      ConversationKey key, String messageId, String reason, String notice, ReplyAddress address)
      implements Part {
    @Override
    public String id() {
      return messageId;
    }
  }

  /**
   * A press on one of the reply buttons Parley sent ({@code data} is the button's id), by the user
   * {@code userId}; recorded under the message's own id only in logs.
   */
  public record ButtonPress(ConversationKey key, String messageId, String data, String userId)
      implements Part {
    @Override
    public String id() {
      return messageId;
    }
  }

  /** Meta's status ({@code sent, delivered, read, failed}) for our message {@code wamid}. */
  public record StatusUpdate(ConversationKey key, String wamid, String status) implements Part {
    @Override
    public String id() {
      return wamid;
    }
  }

  /** An error Meta reported in the delivery: where it was, its code and title (no user data). */
  public record ReportedError(String where, int code, String title) {}
}
