/**
 * Tools the model may call: the {@link dev.parley.tool.Tool} interface, the {@link
 * dev.parley.tool.ToolRegistry} that runs them with a timeout and a result budget and turns every
 * failure into a result text, and the built-in tools ({@code current_time}, {@code calculator}).
 *
 * <p>Owns: tool names and schemas, argument checking, tool timeouts, cutting results. Uses only
 * {@code dev.parley.llm}'s wire-neutral {@code ToolCall} and {@code ToolSpec}. Must not use {@code
 * dev.parley.conversation}, {@code dev.parley.channel} or {@code dev.parley.http}: a tool knows
 * nothing of routes, channels or entities, only the {@link dev.parley.tool.ToolContext} it is
 * handed. No Pekko either: tools are plain {@code CompletionStage}s, so they can be tested without
 * an actor system.
 */
package dev.parley.tool;
