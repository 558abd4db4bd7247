package dev.parley.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code --mode burst}: one message to each of N conversations, sent as fast as C connections
 * allow, then the wait until the node has completed every turn. With a slow model this shows how
 * many model calls one node keeps in flight (the model double counts them) and how long the last
 * conversation waits after its message was acknowledged; the acknowledgements' latency shows
 * whether receipts stay fast while the model is busy.
 */
final class Burst {
  /** How long the turns may take after the last acknowledgement before the run gives up. */
  private static final Duration COMPLETION_DEADLINE = Duration.ofMinutes(5);

  private static final Duration POLL = Duration.ofMillis(100);

  /** How long {@code --idle-heap} waits for the conversations to passivate. */
  private static final Duration PASSIVATION_DEADLINE = Duration.ofMinutes(5);

  record Result(
      int conversations,
      int connections,
      long modelLatencyMs,
      double postSeconds,
      long acknowledged,
      long failed,
      LatencyHistogram ackLatency,
      double lastTurnAfterLastAckSeconds,
      long turnsCompleted,
      long turnsFailed,
      int modelMaxInFlight,
      double nodeCpuSeconds,
      double heapUsedBytes,
      double heapAfterGcBytes,
      double liveEntitiesAtGc) {}

  private Burst() {}

  /**
   * A warm-up burst of the same size to other conversations unless {@code --warmup 0} (a node fresh
   * from its start spends most of a first burst compiling), then the measured one.
   */
  static Result run(BenchOptions o, ParleyNode node, ModelDouble model) throws Exception {
    if (o.warmupSeconds() > 0) {
      once(o, node, model, "warm");
      model.resetMaxInFlight();
    }
    return once(o, node, model, "burst");
  }

  private static Result once(BenchOptions o, ParleyNode node, ModelDouble model, String prefix)
      throws Exception {
    NodeMetrics before = node.metrics();
    double completedBefore = before.value("parley_turns_total", "outcome", "completed");
    double failedBefore = before.value("parley_turns_total", "outcome", "failed");
    double cpuBefore = ProcessCpu.seconds(node.pid());
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    Semaphore slots = new Semaphore(o.connections());
    LatencyHistogram acks = new LatencyHistogram();
    LongAdder acknowledged = new LongAdder();
    LongAdder failed = new LongAdder();
    AtomicLong lastAck = new AtomicLong();
    long start = System.nanoTime();
    for (int i = 0; i < o.conversations(); i++) {
      slots.acquire();
      HttpRequest post =
          HttpRequest.newBuilder(
                  URI.create(
                      node.apiRoot()
                          + "/api/v1/conversations/user:api:"
                          + prefix
                          + "-"
                          + i
                          + "/messages"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"id\":\"" + prefix + "-" + i + "\",\"text\":\"hello number " + i + "\"}"))
              .build();
      long sent = System.nanoTime();
      http.sendAsync(post, HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (response, error) -> {
                long now = System.nanoTime();
                if (error == null && response.statusCode() == 202) {
                  acks.record(now - sent);
                  acknowledged.increment();
                  lastAck.accumulateAndGet(now, Math::max);
                } else {
                  failed.increment();
                }
                slots.release();
              });
    }
    slots.acquire(o.connections());
    double postSeconds = (System.nanoTime() - start) / 1e9;
    long expected = acknowledged.sum();
    long deadline = System.nanoTime() + COMPLETION_DEADLINE.toNanos();
    double completed = 0;
    double turnsFailed = 0;
    long lastTurn = System.nanoTime();
    while (System.nanoTime() < deadline) {
      NodeMetrics now = node.metrics();
      completed = now.value("parley_turns_total", "outcome", "completed") - completedBefore;
      turnsFailed = now.value("parley_turns_total", "outcome", "failed") - failedBefore;
      lastTurn = System.nanoTime();
      if (completed + turnsFailed >= expected) {
        break;
      }
      Thread.sleep(POLL.toMillis());
    }
    NodeMetrics end = node.metrics();
    double cpu = ProcessCpu.seconds(node.pid()) - cpuBefore;
    if (o.idleHeap()) {
      awaitPassivation(node);
    }
    node.fullGc();
    NodeMetrics afterGc = node.metrics();
    return new Result(
        o.conversations(),
        o.connections(),
        o.modelLatencyMs(),
        postSeconds,
        expected,
        failed.sum(),
        acks,
        (lastTurn - lastAck.get()) / 1e9,
        (long) completed,
        (long) turnsFailed,
        model.maxInFlight(),
        cpu,
        end.value("parley_jvm_heap_used_bytes"),
        afterGc.value("parley_jvm_heap_used_bytes"),
        afterGc.value("parley_live_entities"));
  }

  /**
   * Waits until the node's live conversations have passivated (they stop after {@code
   * parley.conversation.passivate-idle-after}, 2 min by default: give the node a shorter one with
   * {@code --heap "-Dparley.conversation.passivate-idle-after=10s ..."}).
   */
  static void awaitPassivation(ParleyNode node) throws InterruptedException {
    long deadline = System.nanoTime() + PASSIVATION_DEADLINE.toNanos();
    while (System.nanoTime() < deadline && node.metrics().value("parley_live_entities") > 0) {
      Thread.sleep(500);
    }
  }

  static String table(Result r) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Parley benchmark: burst, one message to each of %,d conversations over %d"
                + " connections, model at %d ms%n",
            r.conversations(),
            r.connections(),
            r.modelLatencyMs()));
    line(
        out,
        "posted",
        "%,d acknowledged, %,d failed, in %.1f s",
        r.acknowledged(),
        r.failed(),
        r.postSeconds());
    line(
        out,
        "ack latency ms",
        "p50 %.2f  p99 %.2f  max %.0f",
        r.ackLatency().percentileMillis(0.50),
        r.ackLatency().percentileMillis(0.99),
        r.ackLatency().maxMillis());
    line(
        out,
        "turns",
        "%,d completed, %,d failed; the last %.1f s after the last acknowledgement",
        r.turnsCompleted(),
        r.turnsFailed(),
        r.lastTurnAfterLastAckSeconds());
    line(out, "model calls", "at most %,d in flight at once", r.modelMaxInFlight());
    line(
        out,
        "node CPU",
        "%.1f s in all; %.2f ms per message and its turn",
        r.nodeCpuSeconds(),
        r.nodeCpuSeconds() * 1000 / Math.max(1, r.acknowledged()));
    line(
        out,
        "heap",
        "%.1f MiB at the end; %.1f MiB after a full GC, with %,.0f conversations live",
        r.heapUsedBytes() / 1048576.0,
        r.heapAfterGcBytes() / 1048576.0,
        r.liveEntitiesAtGc());
    return out.toString();
  }

  static void writeJson(Result r, Machine machine, String heap, Path file) throws IOException {
    ObjectNode root = ReportJson.MAPPER.createObjectNode();
    root.put("mode", "burst");
    root.put("machine", machine.toString());
    root.put("heap", heap);
    root.put("conversations", r.conversations());
    root.put("connections", r.connections());
    root.put("modelLatencyMs", r.modelLatencyMs());
    root.put("postSeconds", r.postSeconds());
    root.put("acknowledged", r.acknowledged());
    root.put("failed", r.failed());
    ObjectNode ack = root.putObject("ackLatencyMs");
    ack.put("p50", r.ackLatency().percentileMillis(0.50));
    ack.put("p99", r.ackLatency().percentileMillis(0.99));
    ack.put("max", r.ackLatency().maxMillis());
    root.put("turnsCompleted", r.turnsCompleted());
    root.put("turnsFailed", r.turnsFailed());
    root.put("lastTurnAfterLastAckSeconds", r.lastTurnAfterLastAckSeconds());
    root.put("modelMaxInFlight", r.modelMaxInFlight());
    root.put("nodeCpuSeconds", r.nodeCpuSeconds());
    root.put("heapUsedBytes", r.heapUsedBytes());
    root.put("heapAfterFullGcBytes", r.heapAfterGcBytes());
    root.put("liveEntitiesAtFullGc", r.liveEntitiesAtGc());
    ReportJson.MAPPER.writeValue(file.toFile(), root);
  }

  private static void line(StringBuilder out, String name, String format, Object... args) {
    out.append(
        String.format(Locale.ROOT, "  %-16s %s%n", name, String.format(Locale.ROOT, format, args)));
  }
}
