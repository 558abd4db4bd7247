package dev.parley.conversation;

/**
 * One reply to send: which conversation, a reply id that is stable across re-sends (the channel may
 * use it to log or dedupe), the text (any length: the channel splits it), and where it goes.
 */
public record OutboundReply(
    String conversationKey, String replyId, String text, ReplyAddress address) {}
