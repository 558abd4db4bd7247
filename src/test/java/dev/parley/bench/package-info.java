/**
 * {@code scripts/bench}: a benchmark that starts what it needs on this machine (an
 * OpenAI-compatible model double, an embedded PostgreSQL when asked, a double of the Telegram Bot
 * API or the WhatsApp Graph API for a channel run, one Parley node as a separate process) and
 * measures the node from outside through its chat API or a channel's real webhook, as users and
 * channels meet it. Not part of the test suite: nothing here is a test, and {@code scripts/test}
 * never runs it. It lives in test scope for the embedded PostgreSQL and compiles with the project
 * so it cannot rot.
 *
 * <p>Owns: its options, the load generator and its latency histogram, the doubles (model and
 * channels: small and cheap under load, unlike the suite's recording doubles), the channels' wire
 * formats (built and signed here, not with the node's code), the node's process and CPU accounting,
 * the floors and the report. Uses the node only through its HTTP ports and its journal's database;
 * never {@code dev.parley} internals beyond {@code FreePorts}.
 */
package dev.parley.bench;
