package dev.parley.conversation;

import dev.parley.CborSerializable;

/**
 * Where a reply goes, as the channel wrote it down at receipt: the chat (Telegram chat id, WhatsApp
 * phone number), the forum topic if any, and the channel's id of the message being answered (to
 * reply to it). Opaque to the conversation; null for the chat API.
 */
public record ReplyAddress(String chatId, String threadId, String replyToMessageId)
    implements CborSerializable {}
