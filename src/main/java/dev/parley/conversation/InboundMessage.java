package dev.parley.conversation;

/**
 * A message as every channel hands it to a conversation: a stable id (the dedupe key: {@code
 * tg:<update_id>}, {@code wa:<wamid>}, or the API client's id), the text, who sent it (a display
 * name; may be null), and where the reply goes (null for the chat API).
 */
public record InboundMessage(String messageId, String text, String sender, ReplyAddress address) {
  public InboundMessage(String messageId, String text, String sender) {
    this(messageId, text, sender, null);
  }
}
