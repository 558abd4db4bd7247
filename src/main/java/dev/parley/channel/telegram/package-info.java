/**
 * Telegram as a channel: reading Bot API updates into conversation commands (who is addressed,
 * which conversation, which dedupe id), rendering the model's Markdown as Telegram HTML in parts
 * that fit Telegram's limits, and sending replies through the Bot API with pacing and retries (the
 * {@link dev.parley.conversation.ReplySender} port). The bot token is in every Bot API URL, so
 * {@link dev.parley.channel.telegram.RedactingSlf4jLogger}, the node's Pekko logger, masks it in
 * every line a library writes. Must not use http routes or the entity's internals; the webhook
 * route lives in {@code dev.parley.http}.
 */
package dev.parley.channel.telegram;
