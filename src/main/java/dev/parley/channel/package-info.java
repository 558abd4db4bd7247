/**
 * The channels Parley speaks (the chat API, Telegram, WhatsApp), one subpackage each, and what they
 * share: the {@link dev.parley.channel.TokenBucket} that paces outbound sends, the {@link
 * dev.parley.channel.InboundJson} rules every webhook mapper reads with (a nesting cap, well-formed
 * strings), and {@link dev.parley.channel.OutboundText}, which caps a reply and finds cut points
 * that keep characters whole.
 */
package dev.parley.channel;
