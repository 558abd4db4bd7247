package dev.parley.conversation;

import dev.parley.CborSerializable;
import dev.parley.text.Utf16;

/**
 * Where a reply goes, as the channel wrote it down at receipt: the chat (Telegram chat id, WhatsApp
 * phone number), the forum topic if any, the channel's id of the message being answered (to reply
 * to it), and the channel's id of the user who wrote it ({@code userId}, added later; a
 * confirmation asked in a group counts only when that user answers). Opaque to the conversation
 * otherwise; null for the chat API.
 */
public record ReplyAddress(String chatId, String threadId, String replyToMessageId, String userId)
    implements CborSerializable {
  public ReplyAddress {
    chatId = Utf16.wellFormed(chatId);
    threadId = Utf16.wellFormed(threadId);
    replyToMessageId = Utf16.wellFormed(replyToMessageId);
    userId = Utf16.wellFormed(userId);
  }

  public ReplyAddress(String chatId, String threadId, String replyToMessageId) {
    this(chatId, threadId, replyToMessageId, null);
  }
}
