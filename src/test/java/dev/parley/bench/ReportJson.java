package dev.parley.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The run's result as JSON, for comparing runs with a script: the same figures as the table, in
 * plain units (per second, milliseconds, bytes, CPU seconds), field names stable.
 */
final class ReportJson {
  /** Indented JSON, for every report file the bench writes. */
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportJson() {}

  static void write(BenchResult r, Path file) throws IOException {
    MAPPER.writeValue(file.toFile(), of(r));
  }

  static ObjectNode of(BenchResult r) {
    BenchOptions o = r.options();
    ObjectNode root = MAPPER.createObjectNode();
    root.put("startedAt", r.startedAt());
    ObjectNode options = root.putObject("options");
    options.put("mode", o.mode().name().toLowerCase(Locale.ROOT));
    options.put("channel", o.channelName());
    options.put("db", o.db().name().toLowerCase(Locale.ROOT));
    options.put("modelLatencyMs", o.modelLatencyMs());
    options.put("conversations", o.conversations());
    options.put("connections", o.connections());
    options.put("durationSeconds", o.durationSeconds());
    options.put("warmupSeconds", o.warmupSeconds());
    options.put("floorSeconds", o.floorSeconds());
    if (o.openLoop()) {
      options.put("rate", o.rate());
    } else {
      options.putNull("rate");
    }
    options.put("skew", o.skew());
    options.put("heap", o.heap());

    root.put("database", r.database());
    r.channel().putJson(root);
    Machine m = r.machine();
    ObjectNode machine = root.putObject("machine");
    machine.put("cpus", m.cpus());
    machine.put("cpuModel", m.cpuModel());
    machine.put("memoryBytes", m.memoryBytes());
    machine.put("java", m.java());

    MeasuredLoad.Window w = r.main();
    ObjectNode result = root.putObject("result");
    result.put("seconds", w.seconds());
    result.put("acksPerSecond", r.acksPerSecond());
    result.put("turnsPerSecond", r.turnsPerSecond());
    result.put("nodeTurnsPerSecond", r.nodeTurnsPerSecond());
    if (r.options().webhooks()) {
      result.put("unexpectedReplies", r.unexpectedReplies());
    }
    putLoad(result, w);
    ObjectNode node = result.putObject("node");
    node.put("pid", r.nodePid());
    node.put("log", r.nodeLog());
    node.put("cpuSeconds", w.cpu().node());
    node.put("cpuMsPerThousandMessages", r.nodeCpuMsPerThousandMessages());
    node.put("heapUsedBytes", r.heapUsedBytes());
    node.put("heapMaxBytes", r.heapMaxBytes());
    node.put("liveEntities", r.liveEntities());
    ObjectNode receipts = node.putObject("receiptsInWindow");
    for (String outcome : new String[] {"accepted", "duplicate", "rejected"}) {
      receipts.put(outcome, r.receiptsInWindow(outcome));
    }
    ObjectNode journal = result.putObject("journal");
    journal.put("what", o.postgres() ? "event_journal + snapshot" : "parley.mv.db");
    journal.put("bytesAtStart", r.journalBytesAtStart());
    journal.put("bytesAtEnd", r.journalBytesAtEnd());
    journal.put("messages", w.acknowledgedInAll());
    journal.put("bytesPerMessage", r.journalBytesPerMessage());
    ObjectNode model = result.putObject("model");
    model.put("requests", r.modelRequests());
    model.put("maxInFlight", r.modelMaxInFlight());
    putBenchCpu(result, w);
    if (o.postgres()) {
      result.put("postgresCpuSeconds", w.cpu().postgres());
    }
    ProbeSampler.Result loaded = r.probeUnderLoad();
    ObjectNode underLoad = result.putObject("probeUnderLoad");
    underLoad.put("request", loaded.request());
    underLoad.put("everyMillis", loaded.every().toMillis());
    underLoad.put("probes", loaded.latency().count());
    underLoad.put("failures", loaded.failures());
    putLatency(underLoad, loaded.latency());

    ObjectNode floors = root.putObject("floors");
    if (r.httpFloor() != null) {
      MeasuredLoad.Window h = r.httpFloor();
      ObjectNode http = floors.putObject("http");
      http.put("request", "GET /nope (404)");
      http.put("seconds", h.seconds());
      http.put("requestsPerSecond", r.httpFloorPerSecond());
      http.put("nodeCpuSeconds", h.cpu().node());
      putBenchCpu(http, h);
      putLoad(http, h);
      http.put("parleyShare", r.shareOfHttpFloor());
    }
    ArrayNode probes = floors.putArray("probes");
    for (BenchResult.Probe probe : r.probes()) {
      MeasuredLoad.Window p = probe.window();
      ObjectNode one = probes.addObject();
      one.put("request", probe.request());
      one.put("seconds", p.seconds());
      one.put("requestsPerSecond", probe.perSecond());
      one.put("nodeCpuSeconds", p.cpu().node());
      putLoad(one, p);
    }
    if (r.insertFloor() != null) {
      InsertFloor.Result i = r.insertFloor();
      ObjectNode insert = floors.putObject("postgresInsert");
      insert.put("seconds", i.seconds());
      insert.put("connections", o.connections());
      insert.put("rows", i.rows());
      insert.put("rowsPerSecond", i.rowsPerSecond());
      insert.put("postgresCpuSeconds", i.postgresCpu());
      putLatency(insert, i.latency());
      insert.put("error", i.error());
      insert.put("parleyShare", r.shareOfInsertFloor());
    }
    return root;
  }

  private static void putLoad(ObjectNode parent, MeasuredLoad.Window w) {
    LoadTally tally = w.tally();
    parent.put("answers", tally.total());
    parent.put("acknowledged", tally.acknowledged());
    parent.put("errors", tally.errors());
    ObjectNode kinds = parent.putObject("answersByKind");
    tally.byKind().forEach(kinds::put);
    putLatency(parent, tally.latency());
    parent.put("warmupBacklogDropped", w.warmupBacklog());
    parent.put("backlogAtEnd", w.backlog());
    parent.put("unansweredAfterDrain", w.unanswered());
  }

  private static void putBenchCpu(ObjectNode parent, MeasuredLoad.Window w) {
    ObjectNode bench = parent.putObject("benchCpuSeconds");
    bench.put("loadGenerator", w.cpu().loadGenerator());
    bench.put("modelDouble", w.cpu().modelDouble());
    bench.put("channelDouble", w.cpu().channelDouble());
    bench.put("gcJitAndOther", w.cpu().benchJvmRest());
    parent.put("machineBusyCpuSeconds", w.cpu().machine());
  }

  private static void putLatency(ObjectNode parent, LatencyHistogram l) {
    ObjectNode latency = parent.putObject("latencyMs");
    latency.put("count", l.count());
    latency.put("mean", l.meanMillis());
    latency.put("p50", l.percentileMillis(0.50));
    latency.put("p95", l.percentileMillis(0.95));
    latency.put("p99", l.percentileMillis(0.99));
    latency.put("max", l.maxMillis());
  }
}
