package dev.parley.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The metrics a Parley node publishes on {@code /metrics}, with stable names (all {@code parley_};
 * renaming one breaks dashboards and alerts). Built once in {@code Main.init} and handed to what
 * records into it: the routes (webhooks by channel and outcome), the model client and tool
 * decorators, and, as {@link ConversationMetrics}, the conversation entity. Label values come from
 * fixed vocabularies, never from user input, so the number of series stays bounded.
 */
public final class Metrics implements ConversationMetrics {
  // Turns span one fast model call to a watchdog of minutes; model calls from a cached
  // completion to the 60 s request timeout with retries.
  static final double[] TURN_BUCKETS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300};
  static final double[] MODEL_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120};
  // Tool calls span an in-process calculator (well under 5 ms) to an HTTP tool at its timeout
  // (10 s by default, longer by policy); past 60 s only the count matters.
  static final double[] TOOL_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };
  static final String[] REFUSAL_REASONS = {
    "bad-signature", "bad-verify-token", "too-large", "busy", "unreadable"
  };

  private final MetricRegistry registry;
  private final Counter webhooks;
  private final Counter refusals;
  private final Counter receipts;
  private final Counter turns;
  private final Counter turnFailures;
  private final Histogram turnSeconds;
  private final Histogram modelSeconds;
  private final Counter modelErrors;
  private final Counter modelTokens;
  private final Counter toolCalls;
  private final Histogram toolSeconds;
  private final Counter deliveries;
  private final Counter deliveryRetries;
  private final AtomicLong inboxDepth = new AtomicLong();

  private Metrics(MetricRegistry registry) {
    this.registry = registry;
    webhooks =
        counter(
            "parley_webhooks_total",
            "Inbound deliveries (webhooks and chat API posts) by channel and outcome: accepted,"
                + " duplicate, rejected, ignored, invalid, unauthorized, unavailable, error.",
            "channel",
            "outcome");
    refusals =
        counter(
            "parley_webhook_refusals_total",
            "Webhook requests refused before they were authenticated, by channel and reason:"
                + " bad-signature, bad-verify-token, too-large, busy (the node's budget of"
                + " unverified bytes was full), unreadable (the body did not arrive in time).",
            "channel",
            "reason");
    for (String reason : REFUSAL_REASONS) {
      refusals.initLabelValues("wa", reason);
    }
    receipts =
        counter(
            "parley_receipts_total",
            "Messages received by conversations: accepted, duplicate (already had it) or"
                + " rejected with a notice.",
            "outcome");
    for (Receipt r : Receipt.values()) {
      receipts.initLabelValues(r.label);
    }
    turns =
        counter("parley_turns_total", "Turns ended, by outcome: completed or failed.", "outcome");
    turns.initLabelValues("completed");
    turns.initLabelValues("failed");
    turnFailures = counter("parley_turn_failures_total", "Failed turns by failure code.", "code");
    turnSeconds =
        histogram(
            "parley_turn_seconds",
            "Time from a turn's start to its completed or failed event, in seconds.",
            TURN_BUCKETS);
    modelSeconds =
        histogram(
            "parley_model_seconds",
            "Duration of model calls (the client's retries included), in seconds.",
            MODEL_BUCKETS);
    modelErrors =
        counter(
            "parley_model_errors_total",
            "Model calls that failed after the client's retries, by error code.",
            "code");
    modelTokens =
        counter(
            "parley_model_tokens_total",
            "Tokens of model calls as the model server reports them, by model (its configured"
                + " name) and kind: prompt or completion.",
            "model",
            "kind");
    toolCalls =
        counter(
            "parley_tool_calls_total",
            "Tool calls by tool, source (builtin, http, plugin, mcp; unknown for a tool the"
                + " node does not have) and outcome: ok, error, timeout, unknown-tool,"
                + " bad-arguments.",
            "tool",
            "source",
            "outcome");
    toolSeconds =
        histogram(
            "parley_tool_call_seconds",
            "Duration of tool calls that ran (from the call to its result or timeout), by tool"
                + " and source, in seconds.",
            TOOL_BUCKETS,
            "tool",
            "source");
    deliveries =
        counter(
            "parley_deliveries_total",
            "Reply sends by channel and outcome: delivered, failed, abandoned.",
            "channel",
            "outcome");
    deliveryRetries =
        counter("parley_delivery_retries_total", "Reply sends tried again, by channel.", "channel");
    registry.gauge(
        "parley_inbox_depth",
        "Accepted messages waiting in the inboxes of this node's conversations.",
        inboxDepth::get);
  }

  /** Parley's metrics plus the JVM's, on a fresh registry. */
  public static Metrics create() {
    MetricRegistry registry = new MetricRegistry();
    Metrics metrics = new Metrics(registry);
    ParleyJvmMetrics.register(registry);
    return metrics;
  }

  public MetricRegistry registry() {
    return registry;
  }

  /**
   * One inbound delivery ended; {@code channel} is {@code tg}, {@code wa} or {@code api}, {@code
   * outcome} one of the vocabulary in the metric's help text.
   */
  public void webhook(String channel, String outcome) {
    webhooks.labelValues(channel, outcome).inc();
  }

  /**
   * A webhook request refused before it was authenticated ({@code reason} one of the metric's
   * vocabulary); counted instead of logged, since anyone can send them.
   */
  public void webhookRefused(String channel, String reason) {
    refusals.labelValues(channel, reason).inc();
  }

  /**
   * Publishes {@code parley_webhook_unverified_bytes}: bytes of webhook bodies held before their
   * signature is checked; the supplier must not block.
   */
  public void unverifiedBytes(LongSupplier held) {
    registry.gauge(
        "parley_webhook_unverified_bytes",
        "Bytes of webhook bodies this node holds before their signature is checked.",
        held::getAsLong);
  }

  /**
   * Publishes {@code parley_mcp_server_up}: 1 for each MCP server (by its configured name) that is
   * connected, 0 for one that is down; the supplier answers from what the clients know, at once.
   */
  public void mcpServers(Supplier<Map<String, Boolean>> up) {
    registry.gauge(
        "parley_mcp_server_up",
        "Whether each configured MCP server is connected (1) or down and being reconnected (0),"
            + " by server name.",
        "server",
        () -> {
          Map<String, Double> values = new LinkedHashMap<>();
          up.get().forEach((server, isUp) -> values.put(server, isUp ? 1.0 : 0.0));
          return values;
        });
  }

  public void modelAnswered(Duration took) {
    modelSeconds.observe(seconds(took));
  }

  /** The tokens one answer of {@code model} took, as its server reported them. */
  public void modelTokens(String model, long prompt, long completion) {
    String name = model == null ? "unknown" : model;
    modelTokens.labelValues(name, "prompt").inc(prompt);
    modelTokens.labelValues(name, "completion").inc(completion);
  }

  public void modelFailed(Duration took, String code) {
    modelSeconds.observe(seconds(took));
    modelErrors.labelValues(code).inc();
  }

  /**
   * One tool call ended; {@code took} is empty for a call refused before the tool ran, which is
   * counted but not timed. The values come from the tool registry, never from the model.
   */
  public void toolCall(String tool, String source, String outcome, Optional<Duration> took) {
    toolCalls.labelValues(tool, source, outcome).inc();
    took.ifPresent(t -> toolSeconds.labelValues(tool, source).observe(seconds(t)));
  }

  /**
   * Publishes this node's sharding figures as {@code parley_shards} and {@code
   * parley_live_entities}; the suppliers return cached values and never block.
   */
  public void sharding(LongSupplier shards, LongSupplier liveEntities) {
    registry.gauge(
        "parley_shards",
        "Shards of the conversation entity hosted by this node.",
        shards::getAsLong);
    registry.gauge(
        "parley_live_entities",
        "Conversation entities running on this node.",
        liveEntities::getAsLong);
  }

  @Override
  public void receipt(Receipt outcome) {
    receipts.labelValues(outcome.label).inc();
  }

  @Override
  public void turnCompleted(Duration took) {
    turns.labelValues("completed").inc();
    turnSeconds.observe(seconds(took));
  }

  @Override
  public void turnFailed(String code, Duration took) {
    turns.labelValues("failed").inc();
    turnFailures.labelValues(code).inc();
    turnSeconds.observe(seconds(took));
  }

  @Override
  public void inboxDepthChanged(int delta) {
    inboxDepth.addAndGet(delta);
  }

  @Override
  public void delivery(String channel, String outcome) {
    deliveries.labelValues(channel, outcome).inc();
  }

  @Override
  public void deliveryRetry(String channel) {
    deliveryRetries.labelValues(channel).inc();
  }

  private Counter counter(String name, String help, String... labelNames) {
    return Counter.builder()
        .name(name)
        .help(help)
        .labelNames(labelNames)
        .withoutExemplars()
        .register(registry.prometheus());
  }

  /** A classic histogram: the text format 0.0.4 carries no native one. */
  private Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .labelNames(labelNames)
        .classicOnly()
        .classicUpperBounds(buckets)
        .withoutExemplars()
        .register(registry.prometheus());
  }

  /** In seconds, the base unit Prometheus names use. */
  private static double seconds(Duration took) {
    return took.toNanos() / 1e9;
  }
}
