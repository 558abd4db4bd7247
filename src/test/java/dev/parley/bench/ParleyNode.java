package dev.parley.bench;

import dev.parley.NodeEnvironment;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The Parley node under test: one JVM started as {@code scripts/run} starts it ({@code java $HEAP
 * -Dconfig.file=application.conf -cp target/classes:target/lib/* dev.parley.Main}), configured only
 * through its environment, with its output in a log file. None of the bench's own {@code PARLEY_*},
 * {@code LLM_*} or {@code JAVA_*} variables reach it. {@link #close} kills it and anything it
 * started, whatever happened before.
 */
final class ParleyNode implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(200);

  private final Process process;
  private final Path log;
  private final int httpPort;
  private final int managementPort;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private ParleyNode(Process process, Path log, int httpPort, int managementPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
  }

  /**
   * Starts the node from {@code projectDir} with {@code heap} (JVM flags, space-separated) and
   * {@code env}, which must hold {@code PARLEY_HTTP_PORT} and {@code PARLEY_MANAGEMENT_PORT}.
   */
  static ParleyNode start(Path projectDir, Path log, String heap, Map<String, String> env) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    Arrays.stream(heap.trim().split("\\s+")).filter(flag -> !flag.isEmpty()).forEach(command::add);
    command.addAll(
        List.of(
            "-Dconfig.file=application.conf",
            "-cp",
            "target/classes" + File.pathSeparator + "target/lib/*",
            "dev.parley.Main"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(projectDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    NodeEnvironment.clean(builder.environment());
    builder.environment().putAll(env);
    try {
      return new ParleyNode(
          builder.start(),
          log,
          Integer.parseInt(env.get("PARLEY_HTTP_PORT")),
          Integer.parseInt(env.get("PARLEY_MANAGEMENT_PORT")));
    } catch (IOException e) {
      throw new BenchFailure("could not start the Parley node (" + java + ")", e);
    }
  }

  long pid() {
    return process.pid();
  }

  /** The node's JVM and anything it started. */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    pids.add(process.pid());
    process.descendants().forEach(child -> pids.add(child.pid()));
    return pids;
  }

  /** {@code http://127.0.0.1:<api port>}: the chat API's root. */
  String apiRoot() {
    return "http://127.0.0.1:" + httpPort;
  }

  /**
   * Polls {@code /ready} on the management port until it answers 200; fails with the end of the
   * node's log when the node exits first or {@code timeout} passes.
   */
  void awaitReady(Duration timeout) throws InterruptedException {
    HttpRequest probe =
        HttpRequest.newBuilder(managementUri("/ready")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // Refused until management is bound: poll again.
      }
      if (process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
        throw exited("before it was ready");
      }
    }
    throw new BenchFailure(
        "the Parley node did not become ready (GET /ready on port "
            + managementPort
            + ") within "
            + timeout.toSeconds()
            + " s; "
            + logTail(20));
  }

  /**
   * Waits {@code duration} (a measured window), ending early only if the node exits, which fails
   * the run: nothing measured after that would mean anything.
   */
  void runFor(Duration duration) throws InterruptedException {
    if (process.waitFor(duration.toNanos(), TimeUnit.NANOSECONDS)) {
      throw exited("during the run");
    }
  }

  /** A full GC in the node ({@code jcmd <pid> GC.run}, the JDK's own tool), waited for. */
  void fullGc() throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process gc =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
      gc.destroyForcibly();
      throw new BenchFailure("jcmd GC.run failed on the node (pid " + pid() + ")");
    }
  }

  /** The node's {@code /metrics} (Prometheus text) from its management port. */
  NodeMetrics metrics() throws InterruptedException {
    HttpRequest get =
        HttpRequest.newBuilder(managementUri("/metrics")).timeout(Duration.ofSeconds(10)).build();
    try {
      HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new BenchFailure("GET /metrics answered " + response.statusCode());
      }
      return NodeMetrics.parse(response.body());
    } catch (IOException e) {
      throw new BenchFailure("GET /metrics failed: " + e, e);
    }
  }

  /** Kills the node and its descendants (SIGKILL) and waits until it is gone. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        System.err.println("bench: the Parley node (pid " + pid() + ") survived kill -9 for 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last {@code lines} lines of the node's log, with its path. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "its log ("
          + log
          + ") ends:\n"
          + all.subList(Math.max(0, all.size() - lines), all.size()).stream()
              .map(line -> "  | " + line)
              .collect(Collectors.joining("\n"));
    } catch (IOException | RuntimeException e) {
      return "its log (" + log + ") is unreadable: " + e;
    }
  }

  private BenchFailure exited(String when) {
    return new BenchFailure(
        "the Parley node exited "
            + when
            + " with code "
            + process.exitValue()
            + "; "
            + logTail(20));
  }

  /** {@code http://127.0.0.1:<management port><path>}. */
  URI managementUri(String path) {
    return URI.create("http://127.0.0.1:" + managementPort + path);
  }
}
