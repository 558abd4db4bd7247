/**
 * The channels Parley speaks (the chat API, Telegram, WhatsApp), one subpackage each, and what they
 * share: the {@link dev.parley.channel.TokenBucket} that paces outbound sends.
 */
package dev.parley.channel;
