/**
 * The chat API as a channel: parsing its JSON messages into {@link
 * dev.parley.conversation.InboundMessage}. Replies of this channel need no outbound send: a reply
 * is delivered once recorded. Must not use http routes or the entity's internals.
 */
package dev.parley.channel.api;
