package dev.parley.conversation;

import java.util.List;

/**
 * One reply to send: which conversation, a reply id that is stable across re-sends (the channel may
 * use it to log or dedupe), the text (any length: the channel splits it), where it goes, and the
 * buttons to offer with it (empty for most replies; the channel puts them on the last part).
 */
public record OutboundReply(
    String conversationKey,
    String replyId,
    String text,
    ReplyAddress address,
    List<ReplyButton> buttons) {
  public OutboundReply {
    buttons = buttons == null ? List.of() : List.copyOf(buttons);
  }

  public OutboundReply(String conversationKey, String replyId, String text, ReplyAddress address) {
    this(conversationKey, replyId, text, address, List.of());
  }
}
