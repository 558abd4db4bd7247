/**
 * Talking to a chat model: the {@link dev.parley.llm.ModelClient} port and its prompt types, the
 * OpenAI-compatible HTTP client ({@link dev.parley.llm.OpenAiModelClient}, with its own wire JSON,
 * retries and pool sizing), the deterministic {@link dev.parley.llm.OfflineModel} and {@link
 * dev.parley.llm.LlmSettings} read from {@code parley.llm}.
 *
 * <p>This package must not use {@code dev.parley.conversation}, {@code dev.parley.channel}, {@code
 * dev.parley.http} or {@code dev.parley.tool}: the conversation drives the model, not the other way
 * round, and a tool is described to the model only as a {@link dev.parley.llm.ToolSpec}. The
 * offline model therefore knows the built-in tools by name only ({@code current_time}, {@code
 * calculator}).
 */
package dev.parley.llm;
