package dev.parley.bench;

import java.util.List;

/**
 * Everything one run measured, and the figures derived from it that both reports show (the table on
 * the terminal and the JSON file), computed once here so the two never disagree. The insert floor
 * is null unless the run was on PostgreSQL; the journal's size at start is taken once the node was
 * ready, before any load. The probes ran after the floor, on a node no longer under load; the probe
 * under load ran through the main window, one {@code /ready} at a time. Unexpected replies are
 * those a channel double received that matched no message (0 on the chat API).
 */
record BenchResult(
    BenchOptions options,
    Machine machine,
    String startedAt,
    long nodePid,
    String nodeLog,
    String database,
    ChannelReport channel,
    MeasuredLoad.Window main,
    MeasuredLoad.Window httpFloor,
    List<Probe> probes,
    ProbeSampler.Result probeUnderLoad,
    InsertFloor.Result insertFloor,
    long journalBytesAtStart,
    long journalBytesAtEnd,
    long modelRequests,
    int modelMaxInFlight,
    long unexpectedReplies) {

  double acksPerSecond() {
    return main.perSecond(main.tally().acknowledged());
  }

  /**
   * Completed turns per second as the clients saw them: a 200 with outcome completed on the chat
   * API, a reply at the channel's double through a webhook.
   */
  double turnsPerSecond() {
    return main.perSecond(main.tally().turns());
  }

  /** Completed turns per second as the node counted them ({@code parley_turns_total}). */
  double nodeTurnsPerSecond() {
    return main.nodeDelta("parley_turns_total", "outcome", "completed") / main.seconds();
  }

  double nodeCpuMsPerThousandMessages() {
    return main.nodeCpuMsPerThousand(main.tally().acknowledged());
  }

  /** Journal growth over every message acknowledged in the run (warm-up and drain included). */
  double journalBytesPerMessage() {
    long messages = main.acknowledgedInAll();
    return messages > 0 ? (double) (journalBytesAtEnd - journalBytesAtStart) / messages : 0;
  }

  double httpFloorPerSecond() {
    return httpFloor == null ? 0 : httpFloor.perSecond(httpFloor.tally().successes());
  }

  /** Parley's acks/s as a share of the HTTP floor's requests/s; 0 without a floor. */
  double shareOfHttpFloor() {
    double floor = httpFloorPerSecond();
    return floor > 0 ? acksPerSecond() / floor : 0;
  }

  /** Parley's acks/s as a share of the single-row insert floor's rows/s; 0 without one. */
  double shareOfInsertFloor() {
    double floor = insertFloor == null ? 0 : insertFloor.rowsPerSecond();
    return floor > 0 ? acksPerSecond() / floor : 0;
  }

  double heapUsedBytes() {
    return main.metricsAtEnd().value("parley_jvm_heap_used_bytes");
  }

  double heapMaxBytes() {
    return main.metricsAtEnd().value("parley_jvm_heap_max_bytes");
  }

  double liveEntities() {
    return main.metricsAtEnd().value("parley_live_entities");
  }

  /** A management probe loaded like the HTTP floor: the request and its window. */
  record Probe(String request, MeasuredLoad.Window window) {
    double perSecond() {
      return window.perSecond(window.tally().successes());
    }
  }

  double receiptsInWindow(String outcome) {
    return main.nodeDelta("parley_receipts_total", "outcome", outcome);
  }
}
