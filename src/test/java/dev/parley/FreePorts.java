package dev.parley;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for nodes and servers that bind later than the port is chosen. Not from the kernel's
 * ephemeral range, where {@code new ServerSocket(0)} would pick: every outgoing connection (the
 * nodes' JDBC pools, Artery's links, the tests' HTTP clients) takes its local port from that range
 * too and could hold the port by the time it is bound. Never the same port twice in one JVM, so a
 * node does not find the port of an earlier test's node still in use.
 */
public final class FreePorts {
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int[] RANGE = pickRange();
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private FreePorts() {}

  /** A port on 127.0.0.1 that was free a moment ago and that this JVM never handed out before. */
  public static int pick() {
    synchronized (HANDED_OUT) {
      for (int attempt = 0; attempt < 1000; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(RANGE[0], RANGE[1]);
        if (HANDED_OUT.add(port) && bindable(port)) {
          return port;
        }
      }
    }
    throw new IllegalStateException("no free port in " + RANGE[0] + ".." + RANGE[1]);
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 1);
      return true;
    } catch (IOException inUse) {
      return false;
    }
  }

  /**
   * Below the ephemeral range when there is room (Linux's default is 32768-60999), else above it;
   * 20000-32000 when the range cannot be read.
   */
  private static int[] pickRange() {
    try {
      String[] bounds = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
      int low = Integer.parseInt(bounds[0]);
      int high = Integer.parseInt(bounds[1]);
      if (low >= 12_000) {
        return new int[] {Math.max(10_000, low - 12_000), low};
      }
      if (high <= 63_000) {
        return new int[] {high + 1, 65_535};
      }
    } catch (IOException | RuntimeException unreadable) {
      // Not Linux, or no /proc: the default range's neighbourhood is the best guess.
    }
    return new int[] {20_000, 32_000};
  }
}
