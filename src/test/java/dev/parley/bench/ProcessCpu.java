package dev.parley.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * CPU time of processes on Linux, read from {@code /proc/<pid>/stat} (user and system time, plus
 * the time of children already reaped, so a PostgreSQL backend that ended still counts through its
 * postmaster), in clock ticks of {@code getconf CLK_TCK}; the whole machine's busy time; and the
 * bench JVM's own CPU time, also per group of threads.
 */
final class ProcessCpu {
  /** Clock ticks per second of {@code /proc} times: {@code getconf CLK_TCK}, almost always 100. */
  static final long CLOCK_TICKS = clockTicks();

  private ProcessCpu() {}

  /** CPU seconds used so far by {@code pid} and its reaped children; 0 when it is gone. */
  static double seconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) is in parentheses and may hold spaces: count after it.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After the name: state is index 0, so utime (field 14) is 11, stime 12, cutime 13, cstime
      // 14.
      long ticks = 0;
      for (int i = 11; i <= 14; i++) {
        ticks += Long.parseLong(fields[i]);
      }
      return (double) ticks / CLOCK_TICKS;
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }

  /** The sum of {@link #seconds(long)} over {@code pids}. */
  static double seconds(Collection<Long> pids) {
    return pids.stream().mapToDouble(ProcessCpu::seconds).sum();
  }

  /**
   * CPU seconds the whole machine spent busy so far (all CPUs: user, system, interrupts, steal; not
   * idle or iowait), from {@code /proc/stat}; 0 when unreadable. Loopback TCP is largely handled in
   * softirq context, which no process is charged for: only this figure shows it.
   */
  static double machineBusySeconds() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] fields = first.trim().split("\\s+");
      long busy = 0;
      // cpu user nice system idle iowait irq softirq steal (guest time is inside user already)
      for (int i = 1; i <= Math.min(8, fields.length - 1); i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(fields[i]);
        }
      }
      return (double) busy / CLOCK_TICKS;
    } catch (IOException | RuntimeException unreadable) {
      return 0;
    }
  }

  /** CPU seconds this JVM (the load generator, the model double, anything else in it) used. */
  static double benchJvmSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  /** CPU seconds of the live threads of this JVM whose names start with one of {@code prefixes}. */
  static double threadSeconds(List<String> prefixes) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long nanos = 0;
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && prefixes.stream().anyMatch(info.getThreadName()::startsWith)) {
        nanos += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return nanos / 1e9;
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      if (getconf.waitFor() == 0) {
        return Long.parseLong(out.trim());
      }
    } catch (IOException | NumberFormatException e) {
      // No getconf: Linux's USER_HZ is 100 on every common architecture.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
