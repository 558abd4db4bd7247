/**
 * The channels Parley speaks (the chat API, Telegram, WhatsApp), one subpackage each, and what they
 * share: the {@link dev.parley.channel.TokenBucket} that paces outbound sends, and {@link
 * dev.parley.channel.OutboundText}, which caps a reply and finds cut points that keep characters
 * whole.
 */
package dev.parley.channel;
