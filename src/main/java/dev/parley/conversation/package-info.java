/**
 * The conversation entity: its protocol, state, turn loop, history window, dedupe memory, and the
 * channel-neutral edge types ({@link dev.parley.conversation.InboundMessage}, {@link
 * dev.parley.conversation.Conversations}). Uses {@code llm}, {@code tool}, {@code metrics} and
 * {@code db} (JDBC connections for the erasure); must not use {@code channel} or {@code http}:
 * channels depend on this package, never the reverse.
 */
package dev.parley.conversation;
