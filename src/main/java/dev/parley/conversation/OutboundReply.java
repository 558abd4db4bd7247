package dev.parley.conversation;

import java.util.List;

/**
 * One reply to send: which conversation, a reply id that is stable across re-sends (the channel may
 * use it to log or dedupe), the text (any length: the channel splits it), where it goes, the
 * buttons to offer with it (empty for most replies; the channel puts them on the last part), and
 * the incarnation of the conversation that sends it. Reply ids are unique only within one
 * incarnation: erasing a conversation ends it, and the next one numbers its replies from "turn-1"
 * again.
 */
public record OutboundReply(
    String conversationKey,
    String replyId,
    String text,
    ReplyAddress address,
    List<ReplyButton> buttons,
    String incarnation) {
  public OutboundReply {
    buttons = buttons == null ? List.of() : List.copyOf(buttons);
    incarnation = incarnation == null ? "" : incarnation;
  }

  public OutboundReply(
      String conversationKey,
      String replyId,
      String text,
      ReplyAddress address,
      List<ReplyButton> buttons) {
    this(conversationKey, replyId, text, address, buttons, "");
  }

  public OutboundReply(String conversationKey, String replyId, String text, ReplyAddress address) {
    this(conversationKey, replyId, text, address, List.of(), "");
  }

  /**
   * Names this reply among every reply of every conversation and incarnation: what a sender may
   * remember a half-sent reply's progress under, so that only a re-send of the same reply resumes
   * it. (A conversation key never contains {@code |}.)
   */
  public String progressKey() {
    return conversationKey + "|" + incarnation + "|" + replyId;
  }
}
