package dev.parley;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The programs this test JVM started, directly or through a node (an MCP server, say). */
public final class ChildProcesses {
  private ChildProcesses() {}

  /** The live descendants whose full command line contains {@code marker}. */
  public static List<ProcessHandle> naming(String marker) {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(p -> commandLine(p).contains(marker))
        .toList();
  }

  /** The process's command line as Linux has it (the JDK's view cuts long ones short). */
  private static String commandLine(ProcessHandle process) {
    try {
      return Files.readString(Path.of("/proc", String.valueOf(process.pid()), "cmdline"))
          .replace('\0', ' ');
    } catch (Exception e) {
      return process.info().commandLine().orElse("");
    }
  }
}
