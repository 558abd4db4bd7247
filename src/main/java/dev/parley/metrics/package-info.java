/**
 * Parley's metrics: a small registry of counters, gauges and fixed-bucket histograms, the
 * Prometheus text exposition of it (format 0.0.4), the named metrics a node publishes ({@link
 * Metrics}, every name starting {@code parley_}), and decorators that time the model client and
 * count tool calls.
 *
 * <p>Why our own registry: the exposition format is a page of text, and the few instrument types we
 * need fit in a few hundred lines with LongAdder and atomics; a metrics library would bring its own
 * registry, naming rules and dependencies for that. The registry and writer use no other package of
 * Parley; the decorators know only the {@code llm} and {@code tool} interfaces they wrap. Must not
 * use conversation, channel, http or cluster: those call into this package, never the other way.
 */
package dev.parley.metrics;
