package dev.parley.conversation;

import dev.parley.CborSerializable;
import java.util.List;

/**
 * A reply recorded but not yet confirmed by its channel: the outbox entry. {@code turnId} is 0 for
 * a notice that belongs to no turn (a rejected message); {@code buttons} are offered with it (a
 * confirmation's yes and no).
 */
public record PendingReply(
    String replyId, long turnId, String text, ReplyAddress address, List<ReplyButton> buttons)
    implements CborSerializable {
  public PendingReply {
    buttons = buttons == null ? List.of() : List.copyOf(buttons);
  }

  public PendingReply(String replyId, long turnId, String text, ReplyAddress address) {
    this(replyId, turnId, text, address, List.of());
  }

  static String forTurn(long turnId) {
    return "turn-" + turnId;
  }

  static String forMessage(String messageId) {
    return "msg-" + messageId;
  }

  static String forConfirmation(String confirmationId) {
    return "confirm-" + confirmationId;
  }
}
