package dev.parley.bench;

import java.util.Locale;
import java.util.Map;

/** The run's result as a table for the terminal: one line a figure, units spelled out. */
final class ReportTable {
  private final StringBuilder out = new StringBuilder();

  private ReportTable() {}

  static String of(BenchResult r) {
    ReportTable t = new ReportTable();
    t.write(r);
    return t.out.toString();
  }

  private void write(BenchResult r) {
    BenchOptions o = r.options();
    MeasuredLoad.Window w = r.main();
    LoadTally tally = w.tally();
    String load =
        o.openLoop()
            ? f("open loop at %s req/s, at most %d in flight", n(o.rate()), o.connections())
            : f("closed loop, %d connections", o.connections());
    line(
        f(
            "Parley benchmark: %s on %s%s, %s conversations%s, %s",
            o.mode().name().toLowerCase(Locale.ROOT),
            o.db().name().toLowerCase(Locale.ROOT),
            o.webhooks() ? " through " + o.channelName() + " webhooks" : "",
            n(o.conversations()),
            o.skew() ? " (skewed: 10 % get 90 % of the messages)" : "",
            load));
    line(
        f(
            "  %.1f s measured after %d s of warm-up; model %s",
            w.seconds(),
            o.warmupSeconds(),
            o.ingest()
                ? "holds every call (receipts only)"
                : f(
                    "answers after %d ms, %s",
                    o.modelLatencyMs(),
                    o.webhooks()
                        ? "each webhook waits for its reply at the channel double (latency: post"
                            + " to reply)"
                        : "posts wait for their turn")));
    Machine m = r.machine();
    row(
        "machine",
        f("%d CPUs, %s, %s, %s", m.cpus(), m.cpuModel(), bytes(m.memoryBytes()), m.java()));
    row("node", f("pid %d, %s, log %s", r.nodePid(), o.heap(), r.nodeLog()));
    row("database", r.database());
    for (String[] channelRow : r.channel().rows()) {
      row(channelRow[0], channelRow[1]);
    }
    line("");
    row("acks/s", n(r.acksPerSecond()));
    if (!o.ingest()) {
      row(
          "turns/s",
          f(
              "%s (%s) / %s (node)",
              n(r.turnsPerSecond()),
              o.webhooks() ? "replies at the double" : "answers",
              n(r.nodeTurnsPerSecond())));
    }
    LatencyHistogram l = tally.latency();
    row(
        "latency ms",
        f(
            "p50 %s  p95 %s  p99 %s  max %s  (mean %s, %s answers)",
            ms(l.percentileMillis(0.50)),
            ms(l.percentileMillis(0.95)),
            ms(l.percentileMillis(0.99)),
            ms(l.maxMillis()),
            ms(l.meanMillis()),
            n(l.count())));
    for (Map.Entry<String, Long> kind : tally.byKind().entrySet()) {
      row("  " + kind.getKey(), n(kind.getValue()));
    }
    row("errors", f("%s of %s answers", n(tally.errors()), n(tally.total())));
    if (r.unexpectedReplies() > 0) {
      row("replies", f("%s matched no message (unexpected)", n(r.unexpectedReplies())));
    }
    if (w.warmupBacklog() > 0) {
      row(
          "generator",
          f(
              "%s due in the warm-up and never sent: dropped when the window started",
              n(w.warmupBacklog())));
    }
    if (w.backlog() > 0 || w.unanswered() > 0) {
      row(
          "generator",
          f(
              "%s due but not sent at the end (open loop), %d unanswered after the drain",
              n(w.backlog()), w.unanswered()));
    }
    line("");
    row(
        "node CPU",
        f(
            "%.2f cores; %s ms per 1,000 messages",
            w.cpu().node() / w.seconds(), n(r.nodeCpuMsPerThousandMessages())));
    row(
        "node heap",
        f("%s used of %s (at the end)", bytes(r.heapUsedBytes()), bytes(r.heapMaxBytes())));
    row("live entities", n(r.liveEntities()));
    row(
        "receipts",
        f(
            "accepted %s, duplicate %s, rejected %s (node, in the window)",
            n(r.receiptsInWindow("accepted")),
            n(r.receiptsInWindow("duplicate")),
            n(r.receiptsInWindow("rejected"))));
    row(
        "journal",
        f(
            "%s bytes per message (%s grew %s over %s messages)",
            n(r.journalBytesPerMessage()),
            o.postgres() ? "event_journal + snapshot" : "parley.mv.db",
            bytes(r.journalBytesAtEnd() - r.journalBytesAtStart()),
            n(w.acknowledgedInAll())));
    row(
        "model calls",
        f("%s requests, at most %d in flight at once", n(r.modelRequests()), r.modelMaxInFlight()));
    row("bench CPU", benchCpu(w));
    row("machine CPU", machineCpu(w, r.machine().cpus()));
    if (o.postgres()) {
      row("postgres CPU", f("%.2f cores", w.cpu().postgres() / w.seconds()));
    }
    line("");
    if (r.httpFloor() != null) {
      MeasuredLoad.Window h = r.httpFloor();
      row(
          "HTTP floor",
          f(
              "%s req/s GET /nope (404), p99 %s ms, %s errors; Parley at %s",
              n(r.httpFloorPerSecond()),
              ms(h.tally().latency().percentileMillis(0.99)),
              n(h.tally().errors()),
              percent(r.shareOfHttpFloor())));
      row("", f("node %.2f cores; bench %s", h.cpu().node() / h.seconds(), benchCpu(h)));
      row("", machineCpu(h, r.machine().cpus()));
    }
    for (BenchResult.Probe probe : r.probes()) {
      MeasuredLoad.Window p = probe.window();
      row(
          "probe",
          f(
              "%s req/s %s, p50 %s ms, p99 %s ms, %s errors; node %.2f cores",
              n(probe.perSecond()),
              probe.request(),
              ms(p.tally().latency().percentileMillis(0.50)),
              ms(p.tally().latency().percentileMillis(0.99)),
              n(p.tally().errors()),
              p.cpu().node() / p.seconds()));
    }
    ProbeSampler.Result loaded = r.probeUnderLoad();
    row(
        "probe, loaded",
        f(
            "%s every %d ms during the window: p50 %s ms, p99 %s ms, max %s ms (%s probes, %s"
                + " not 200)",
            loaded.request(),
            loaded.every().toMillis(),
            ms(loaded.latency().percentileMillis(0.50)),
            ms(loaded.latency().percentileMillis(0.99)),
            ms(loaded.latency().maxMillis()),
            n(loaded.latency().count()),
            n(loaded.failures())));
    if (r.insertFloor() != null) {
      InsertFloor.Result i = r.insertFloor();
      row(
          "insert floor",
          f(
              "%s rows/s single-row INSERT, %d connections, p99 %s ms, postgres %.2f cores%s;"
                  + " Parley at %s",
              n(i.rowsPerSecond()),
              o.connections(),
              ms(i.latency().percentileMillis(0.99)),
              i.seconds() > 0 ? i.postgresCpu() / i.seconds() : 0,
              i.error() == null ? "" : " (error: " + i.error() + ")",
              percent(r.shareOfInsertFloor())));
    }
  }

  private static String benchCpu(MeasuredLoad.Window w) {
    return f(
        "load generator %.2f cores, model double %.2f, %sGC/JIT/other %.2f",
        w.cpu().loadGenerator() / w.seconds(),
        w.cpu().modelDouble() / w.seconds(),
        w.cpu().channelDouble() > 0
            ? f("channel double %.2f, ", w.cpu().channelDouble() / w.seconds())
            : "",
        w.cpu().benchJvmRest() / w.seconds());
  }

  /** How busy the whole machine was, and how much of that no process was charged for. */
  private static String machineCpu(MeasuredLoad.Window w, int cpus) {
    MeasuredLoad.Cpu c = w.cpu();
    double unattributed = c.machine() - c.node() - c.benchJvm() - c.postgres();
    return f(
        "%.2f of %d cores busy, %.2f of them charged to no process (kernel networking, other)",
        c.machine() / w.seconds(), cpus, Math.max(0, unattributed) / w.seconds());
  }

  private void row(String label, String value) {
    line(f("%-16s %s", label, value));
  }

  private void line(String text) {
    out.append(text).append('\n');
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** A count or rate with thousands separators, no decimals past 100. */
  static String n(double value) {
    return Math.abs(value) >= 100 || value == Math.rint(value)
        ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%,.1f", value);
  }

  private static String ms(double millis) {
    return millis >= 100
        ? String.format(Locale.ROOT, "%,.0f", millis)
        : String.format(Locale.ROOT, "%.2f", millis);
  }

  private static String percent(double share) {
    return share > 0 ? String.format(Locale.ROOT, "%.0f %%", share * 100) : "n/a";
  }

  static String bytes(double bytes) {
    if (Math.abs(bytes) >= 1 << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (1 << 30));
    }
    if (Math.abs(bytes) >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1 << 20));
    }
    return String.format(Locale.ROOT, "%.0f KiB", bytes / 1024);
  }
}
