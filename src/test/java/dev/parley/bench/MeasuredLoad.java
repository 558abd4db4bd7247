package dev.parley.bench;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * One load phase against the node: a warm-up that is not measured, a measured window, then the
 * requests in flight drained. Around the window it takes the node's metrics and the CPU time of
 * everything on the machine that serves or makes the load, so every figure covers the same span.
 */
final class MeasuredLoad {
  /**
   * CPU seconds so far of the node, of the whole bench JVM, of the load generator's threads, of the
   * model double's threads, of the channel double's threads (0 on the chat API), and of PostgreSQL.
   * What the bench JVM spent beyond its threads went to its garbage collector and JIT compilers.
   * {@code machine} is the busy time of all CPUs, whoever used them.
   */
  record Cpu(
      double node,
      double benchJvm,
      double loadGenerator,
      double modelDouble,
      double channelDouble,
      double postgres,
      double machine) {
    static Cpu take(ParleyNode node, Supplier<List<Long>> postgresPids) {
      return new Cpu(
          ProcessCpu.seconds(node.pids()),
          ProcessCpu.benchJvmSeconds(),
          ProcessCpu.threadSeconds(LoadGenerator.CPU_THREAD_PREFIXES),
          ProcessCpu.threadSeconds(List.of(BenchMain.MODEL_DOUBLE_SYSTEM)),
          ProcessCpu.threadSeconds(List.of(BenchMain.CHANNEL_DOUBLE_SYSTEM)),
          ProcessCpu.seconds(postgresPids.get()),
          ProcessCpu.machineBusySeconds());
    }

    Cpu minus(Cpu start) {
      return new Cpu(
          node - start.node,
          benchJvm - start.benchJvm,
          loadGenerator - start.loadGenerator,
          modelDouble - start.modelDouble,
          channelDouble - start.channelDouble,
          postgres - start.postgres,
          machine - start.machine);
    }

    /** The bench JVM's CPU outside the generator's and the doubles' threads: GC, JIT, VM. */
    double benchJvmRest() {
      return Math.max(0, benchJvm - loadGenerator - modelDouble - channelDouble);
    }
  }

  /**
   * What the window measured. {@code cpu} is CPU seconds spent in the window; {@code
   * acknowledgedInAll} counts every acknowledged message of the phase, warm-up and drain included
   * (they are all in the journal); {@code warmupBacklog} the open loop's requests due in the
   * warm-up but never sent (dropped when the window starts its schedule afresh); {@code backlog}
   * those due but not sent at the window's end; {@code unanswered} those still in flight after the
   * drain.
   */
  record Window(
      LoadTally tally,
      double seconds,
      Cpu cpu,
      NodeMetrics metricsAtStart,
      NodeMetrics metricsAtEnd,
      long acknowledgedInAll,
      long warmupBacklog,
      long backlog,
      int unanswered) {
    double perSecond(long count) {
      return seconds > 0 ? count / seconds : 0;
    }

    /** CPU milliseconds of the node per 1,000 of {@code count}; 0 when there were none. */
    double nodeCpuMsPerThousand(long count) {
      return count > 0 ? cpu.node() * 1_000 * 1_000 / count : 0;
    }

    /** How far a counter of the node rose during the window. */
    double nodeDelta(String metric, String label, String value) {
      return metricsAtEnd.value(metric, label, value) - metricsAtStart.value(metric, label, value);
    }
  }

  private MeasuredLoad() {}

  /**
   * Warm-up, then the measured window, then the drain; {@code sampler} (may be null) counts its
   * probes in the window only.
   */
  static Window run(
      ParleyNode node,
      Supplier<List<Long>> postgresPids,
      Workload workload,
      int connections,
      double rate,
      Duration warmup,
      Duration window,
      Duration drain,
      ProbeSampler sampler)
      throws InterruptedException {
    LoadTally warming = new LoadTally();
    LoadTally measured = new LoadTally();
    LoadTally draining = new LoadTally();
    try (LoadGenerator generator = new LoadGenerator(workload, connections, rate)) {
      generator.start(warming);
      node.runFor(warmup);
      NodeMetrics atStart = node.metrics();
      Cpu cpuAtStart = Cpu.take(node, postgresPids);
      long start = System.nanoTime();
      generator.switchTo(measured);
      long warmupBacklog = generator.restartSchedule();
      if (sampler != null) {
        sampler.record(true);
      }
      node.runFor(window);
      if (sampler != null) {
        sampler.record(false);
      }
      generator.switchTo(draining);
      long end = System.nanoTime();
      Cpu cpu = Cpu.take(node, postgresPids).minus(cpuAtStart);
      long backlog = generator.backlog();
      NodeMetrics atEnd = node.metrics();
      int unanswered = generator.stop(drain);
      return new Window(
          measured,
          (end - start) / 1e9,
          cpu,
          atStart,
          atEnd,
          warming.acknowledged() + measured.acknowledged() + draining.acknowledged(),
          warmupBacklog,
          backlog,
          unanswered);
    }
  }
}
