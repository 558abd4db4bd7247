package dev.parley.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** A {@link Burst}'s result as a table for the terminal and as JSON, the same figures in both. */
final class BurstReport {
  private BurstReport() {}

  static String table(Burst.Result r) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Parley benchmark: burst, %s to each of %,d conversations over %d connections, model"
                + " at %d ms%n",
            r.messagesPerConversation() == 1
                ? "one message"
                : r.messagesPerConversation()
                    + " messages (the next once the previous was acknowledged)",
            r.conversations(),
            r.connections(),
            r.modelLatencyMs()));
    for (String[] row : r.channel().rows()) {
      line(out, row[0], "%s", row[1]);
    }
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
    Burst.Replies replies = r.replies();
    line(
        out,
        "turns",
        "%,d completed, %,d failed; the last%s %.1f s after the last acknowledgement",
        r.turnsCompleted(),
        r.turnsFailed(),
        replies == null ? "" : " reply",
        r.lastTurnAfterLastAckSeconds());
    if (replies != null) {
      line(
          out,
          "completed/s",
          "%,.0f messages a second end to end: %,d replies at the %s, the last %.2f s after the"
              + " first post%s",
          replies.completedPerSecond(),
          replies.count(),
          r.channel().doubleName(),
          replies.lastAfterFirstPostSeconds(),
          replies.unexpected() > 0 ? f(" (%,d unexpected)", replies.unexpected()) : "");
      line(
          out,
          "reply latency ms",
          "p50 %.1f  p99 %.1f  max %.0f  (webhook post to reply at the double)",
          replies.latency().percentileMillis(0.50),
          replies.latency().percentileMillis(0.99),
          replies.latency().maxMillis());
    }
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

  static void writeJson(Burst.Result r, Machine machine, String heap, Path file)
      throws IOException {
    ObjectNode root = ReportJson.MAPPER.createObjectNode();
    root.put("mode", "burst");
    r.channel().putJson(root);
    root.put("machine", machine.toString());
    root.put("heap", heap);
    root.put("conversations", r.conversations());
    root.put("messagesPerConversation", r.messagesPerConversation());
    root.put("connections", r.connections());
    root.put("modelLatencyMs", r.modelLatencyMs());
    root.put("postSeconds", r.postSeconds());
    root.put("acknowledged", r.acknowledged());
    root.put("failed", r.failed());
    putLatency(root, "ackLatencyMs", r.ackLatency());
    root.put("turnsCompleted", r.turnsCompleted());
    root.put("turnsFailed", r.turnsFailed());
    root.put("lastTurnAfterLastAckSeconds", r.lastTurnAfterLastAckSeconds());
    Burst.Replies replies = r.replies();
    if (replies != null) {
      ObjectNode reply = root.putObject("replies");
      reply.put("count", replies.count());
      reply.put("unexpected", replies.unexpected());
      reply.put("completedPerSecond", replies.completedPerSecond());
      reply.put("lastAfterFirstPostSeconds", replies.lastAfterFirstPostSeconds());
      putLatency(reply, "latencyMs", replies.latency());
    }
    root.put("modelMaxInFlight", r.modelMaxInFlight());
    root.put("nodeCpuSeconds", r.nodeCpuSeconds());
    root.put("heapUsedBytes", r.heapUsedBytes());
    root.put("heapAfterFullGcBytes", r.heapAfterGcBytes());
    root.put("liveEntitiesAtFullGc", r.liveEntitiesAtGc());
    ReportJson.MAPPER.writeValue(file.toFile(), root);
  }

  private static void putLatency(ObjectNode parent, String name, LatencyHistogram latency) {
    ObjectNode node = parent.putObject(name);
    node.put("p50", latency.percentileMillis(0.50));
    node.put("p99", latency.percentileMillis(0.99));
    node.put("max", latency.maxMillis());
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static void line(StringBuilder out, String name, String format, Object... args) {
    out.append(String.format(Locale.ROOT, "  %-16s %s%n", name, f(format, args)));
  }
}
