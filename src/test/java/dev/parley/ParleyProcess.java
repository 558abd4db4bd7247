package dev.parley;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One Parley node started the way a user starts it, {@code bash scripts/run}, as a real OS process
 * with its own log file. {@code scripts/run} execs java, so the process is the JVM and a forced
 * kill is a {@code kill -9} of the node itself. Only what the caller sets reaches the node's
 * environment among Parley's own variables. Tests drive the node through its chat API.
 */
final class ParleyProcess {
  /** Pause between two polls; also how quickly a node that died is noticed. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  private static final List<String> OWN_VARIABLE_PREFIXES =
      List.of("PARLEY_", "LLM_", "TELEGRAM_", "WHATSAPP_", "JAVA_OPTS");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String name;
  private final Process process;
  private final Path log;
  private final int httpPort;

  private ParleyProcess(String name, Process process, Path log, int httpPort) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  /** Starts {@code scripts/run} in {@code projectDir}; stdout and stderr go to {@code log}. */
  static ParleyProcess start(String name, Path projectDir, Path log, Map<String, String> env)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder("bash", "scripts/run")
            .directory(projectDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // A developer's own PARLEY_* or LLM_* settings must not change what the test starts.
    builder
        .environment()
        .keySet()
        .removeIf(variable -> OWN_VARIABLE_PREFIXES.stream().anyMatch(variable::startsWith));
    builder.environment().putAll(env);
    // Management's default port (8558) would collide between nodes and with other test runs.
    if (!env.containsKey("PARLEY_MANAGEMENT_PORT")) {
      builder.environment().put("PARLEY_MANAGEMENT_PORT", Integer.toString(freePort()));
    }
    return new ParleyProcess(
        name, builder.start(), log, Integer.parseInt(env.get("PARLEY_HTTP_PORT")));
  }

  /** A port that was free a moment ago: bound on loopback with port 0, read back, released. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * The test's own classpath (target/classes and every dependency) without target/test-classes: its
   * logback-test.xml would send the node's log into the test's capturing appender instead of the
   * node's log file.
   */
  static String testClasspathWithoutTestClasses() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !Path.of(entry).endsWith("test-classes"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  String name() {
    return name;
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + httpPort + pathAndQuery);
  }

  /**
   * Polls a GET of a conversation no test message goes to until it answers 200: that needs the
   * listener, the journal and sharding, like management's /ready, and proves the API answers. Fails
   * when the deadline passes or the node exits first.
   */
  void awaitReady(HttpClient http, Duration timeout) throws InterruptedException {
    HttpRequest probe =
        HttpRequest.newBuilder(uri("/api/v1/conversations/user:api:probe"))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // Connection refused until the listener is bound: poll again.
      }
      pause();
    }
    throw new AssertionError(name + " was not ready within " + timeout + " (see its log)");
  }

  /**
   * Waits one poll interval, which ends early only if the node exits; an exited node fails the
   * caller, since nothing it waits for can happen any more.
   */
  void pause() throws InterruptedException {
    if (process.waitFor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " exited with " + process.exitValue() + " (see its log)");
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** POSTs one message to the chat API; completes with whatever status the node answers. */
  CompletableFuture<HttpResponse<String>> postMessage(
      HttpClient http, String key, String id, String text, Duration timeout) {
    String body = MAPPER.createObjectNode().put("id", id).put("text", text).toString();
    HttpRequest post =
        HttpRequest.newBuilder(uri("/api/v1/conversations/" + key + "/messages"))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.sendAsync(post, HttpResponse.BodyHandlers.ofString());
  }

  /** GETs a conversation with its newest 200 turns; anything but a 200 fails the caller. */
  JsonNode readConversation(HttpClient http, String key) throws IOException, InterruptedException {
    HttpRequest get =
        HttpRequest.newBuilder(uri("/api/v1/conversations/" + key + "?limit=200"))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "GET " + key + " on " + name + ": " + response.statusCode() + " " + response.body());
    }
    return MAPPER.readTree(response.body());
  }

  /** SIGKILL to the node and anything it started (on Linux destroyForcibly is kill -9). */
  void kill() throws InterruptedException {
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " survived kill -9 for 10 s");
    }
  }

  /** The last {@code lines} lines of the node's log, headed by its name. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
      return "----- "
          + name
          + " log ("
          + log
          + "), last "
          + tail.size()
          + " lines -----\n"
          + String.join("\n", tail)
          + "\n----- end of "
          + name
          + " log -----";
    } catch (IOException | UncheckedIOException e) {
      return "----- " + name + " log unreadable: " + e + " -----";
    }
  }
}
