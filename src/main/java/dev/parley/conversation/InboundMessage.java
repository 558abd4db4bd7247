package dev.parley.conversation;

/**
 * A message as every channel hands it to a conversation: a stable id (the dedupe key: {@code
 * tg:<update_id>}, {@code wa:<wamid>}, or the API client's id), the text, and who sent it (may be
 * null).
 */
public record InboundMessage(String messageId, String text, String sender) {}
