/**
 * Parley's metrics: the named metrics a node publishes ({@link Metrics}, every name starting {@code
 * parley_}), the node's registry and its Prometheus text exposition (format 0.0.4), the JVM's
 * figures, and decorators that time the model client and count tool calls.
 *
 * <p>Counters, histograms, gauges, the registry, the JVM metrics ({@code jvm_*}, {@code process_*})
 * and the text writer are the official Prometheus Java client's ({@code io.prometheus}
 * prometheus-metrics-*, text formats only, no protobuf); this package keeps only what it lacks: the
 * {@code parley_jvm_*} names documented before we used it, hooks that refresh values needing an
 * actor's answer before a scrape, and the {@code # HELP}/{@code # TYPE} lines of a labelled counter
 * or histogram that has no series yet. The library is used only in this package (the route serving
 * {@code /metrics} takes text and a Content-Type from {@link MetricRegistry}); the decorators know
 * only the {@code llm} and {@code tool} interfaces they wrap. Must not use conversation, channel,
 * http or cluster: those call into this package, never the other way.
 */
package dev.parley.metrics;
