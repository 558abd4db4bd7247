/**
 * The channels Parley speaks (the chat API, Telegram, WhatsApp), one subpackage each, and what they
 * share: the {@link dev.parley.channel.TokenBucket} that paces outbound sends, and the {@link
 * dev.parley.channel.InboundJson} rules every webhook mapper reads with (a nesting cap, well-formed
 * strings).
 */
package dev.parley.channel;
