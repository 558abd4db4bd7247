package dev.parley.conversation;

import dev.parley.CborSerializable;

/**
 * A reply recorded but not yet confirmed by its channel: the outbox entry. {@code turnId} is 0 for
 * a notice that belongs to no turn (a rejected message).
 */
public record PendingReply(String replyId, long turnId, String text, ReplyAddress address)
    implements CborSerializable {
  static String forTurn(long turnId) {
    return "turn-" + turnId;
  }

  static String forMessage(String messageId) {
    return "msg-" + messageId;
  }
}
