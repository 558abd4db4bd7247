package dev.parley;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String name;
  private final Process process;
  private final Path log;
  private final int httpPort;
  private final int managementPort;
  private final String apiToken;

  private ParleyProcess(
      String name, Process process, Path log, int httpPort, int managementPort, String apiToken) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.apiToken = apiToken;
  }

  /** How a process that was expected to exit by itself ended: its code and its two streams. */
  record Exited(int code, String stdout, String stderr) {}

  /** Starts {@code scripts/run} in {@code projectDir}; stdout and stderr go to {@code log}. */
  static ParleyProcess start(String name, Path projectDir, Path log, Map<String, String> env)
      throws IOException {
    ProcessBuilder builder =
        runScript(projectDir, env).redirectErrorStream(true).redirectOutput(log.toFile());
    // Management's default port (8558) would collide between nodes and with other test runs.
    if (!env.containsKey("PARLEY_MANAGEMENT_PORT")) {
      builder.environment().put("PARLEY_MANAGEMENT_PORT", Integer.toString(FreePorts.pick()));
    }
    return new ParleyProcess(
        name,
        builder.start(),
        log,
        Integer.parseInt(env.get("PARLEY_HTTP_PORT")),
        Integer.parseInt(builder.environment().get("PARLEY_MANAGEMENT_PORT")),
        env.get("PARLEY_API_TOKEN"));
  }

  /**
   * Runs {@code scripts/run} with {@code env} for a start that must fail on its own (a refused
   * configuration); fails if it is still running after {@code timeout}, and kills it then.
   */
  static Exited runUntilExit(Path projectDir, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("parley-run-", ".out");
    Path err = Files.createTempFile("parley-run-", ".err");
    try {
      Process process =
          runScript(projectDir, env)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(
            "scripts/run still running after " + timeout + "; output: " + Files.readString(out));
      }
      return new Exited(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static ProcessBuilder runScript(Path projectDir, Map<String, String> env) {
    ProcessBuilder builder =
        new ProcessBuilder("bash", "scripts/run").directory(projectDir.toFile());
    // A developer's own PARLEY_* or LLM_* settings must not change what the test starts.
    NodeEnvironment.clean(builder.environment());
    // scripts/run runs the first java on the PATH: make it the one running the tests.
    String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
    builder.environment().merge("PATH", javaBin, (path, bin) -> bin + File.pathSeparator + path);
    builder.environment().putAll(env);
    return builder;
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

  /** A URI on the node's management port (/ready, /cluster/members, ...). */
  URI managementUri(String path) {
    return URI.create("http://127.0.0.1:" + managementPort + path);
  }

  /**
   * Polls the management port's {@code /ready} until it answers 200 (Up member, sharding
   * registered, API bound, not shutting down). Fails when the deadline passes or the node exits.
   */
  void awaitManagementReady(HttpClient http, Duration timeout) throws InterruptedException {
    HttpRequest probe =
        HttpRequest.newBuilder(managementUri("/ready"))
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
        // Connection refused until management is bound: poll again.
      }
      pause();
    }
    throw new AssertionError(name + ": /ready not 200 within " + timeout + " (see its log)");
  }

  /** The nodes this node sees as Up in Pekko Management's {@code /cluster/members}; -1 if none. */
  int upMembers(HttpClient http) throws InterruptedException {
    try {
      JsonNode members = getManagementJson(http, "/cluster/members");
      int up = 0;
      for (JsonNode member : members.path("members")) {
        up += member.path("status").asText().equals("Up") ? 1 : 0;
      }
      return members.path("unreachable").size() > 0 ? -1 : up;
    } catch (IOException notAnswering) {
      return -1;
    }
  }

  /** Ids of the Conversation shards this node hosts ({@code /cluster/shards/Conversation}). */
  Set<String> hostedShards(HttpClient http) throws IOException, InterruptedException {
    Set<String> shards = new HashSet<>();
    getManagementJson(http, "/cluster/shards/Conversation")
        .path("regions")
        .forEach(region -> shards.add(region.path("shardId").asText()));
    return shards;
  }

  private JsonNode getManagementJson(HttpClient http, String path)
      throws IOException, InterruptedException {
    HttpRequest get =
        HttpRequest.newBuilder(managementUri(path)).timeout(Duration.ofSeconds(5)).GET().build();
    HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(name + " " + path + ": " + response.statusCode());
    }
    return MAPPER.readTree(response.body());
  }

  /**
   * Polls a GET of a conversation no test message goes to until it answers 200: that needs the
   * listener, the journal and sharding, like management's /ready, and proves the API answers. Fails
   * when the deadline passes or the node exits first.
   */
  void awaitReady(HttpClient http, Duration timeout) throws InterruptedException {
    HttpRequest probe =
        authorized(HttpRequest.newBuilder(uri("/api/v1/conversations/user:api:probe")))
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
      throw new AssertionError(
          name + " exited with " + process.exitValue() + "; its log ends:\n" + logTail(25));
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** POSTs one message to the chat API; completes with whatever status the node answers. */
  CompletableFuture<HttpResponse<String>> postMessage(
      HttpClient http, String key, String id, String text, Duration timeout) {
    return postMessage(http, key, id, text, timeout, 0);
  }

  /** The same with {@code ?wait=<waitSeconds>} when it is above 0. */
  CompletableFuture<HttpResponse<String>> postMessage(
      HttpClient http, String key, String id, String text, Duration timeout, int waitSeconds) {
    String body = MAPPER.createObjectNode().put("id", id).put("text", text).toString();
    String query = waitSeconds > 0 ? "?wait=" + waitSeconds : "";
    HttpRequest post =
        authorized(
                HttpRequest.newBuilder(uri("/api/v1/conversations/" + key + "/messages" + query)))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.sendAsync(post, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * POSTs a JSON {@code body} to {@code path} on the API port with the given extra headers (a
   * channel's webhook); completes with whatever status the node answers.
   */
  CompletableFuture<HttpResponse<String>> postJson(
      HttpClient http, String path, String body, Map<String, String> headers, Duration timeout) {
    HttpRequest.Builder post =
        HttpRequest.newBuilder(uri(path))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(post::header);
    return http.sendAsync(post.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** With {@code PARLEY_API_TOKEN} set on the node, the chat API needs it as a bearer token. */
  private HttpRequest.Builder authorized(HttpRequest.Builder request) {
    return apiToken == null ? request : request.header("Authorization", "Bearer " + apiToken);
  }

  /**
   * GETs a conversation with all its turns, oldest first: the newest page, then older pages ({@code
   * ?before=}) while there are more. Anything but a 200 fails the caller.
   */
  JsonNode readConversation(HttpClient http, String key) throws IOException, InterruptedException {
    ObjectNode newest = (ObjectNode) readPage(http, key, "");
    ArrayNode turns = (ArrayNode) newest.path("turns");
    JsonNode page = newest;
    while (page.path("moreBefore").asBoolean() && !turns.isEmpty()) {
      page = readPage(http, key, "&before=" + turns.get(0).path("turnId").asText());
      ArrayNode older = ((ArrayNode) page.path("turns")).deepCopy();
      turns = older.addAll(turns);
    }
    newest.set("turns", turns);
    newest.put("moreBefore", false);
    return newest;
  }

  private JsonNode readPage(HttpClient http, String key, String before)
      throws IOException, InterruptedException {
    HttpRequest get =
        authorized(
                HttpRequest.newBuilder(uri("/api/v1/conversations/" + key + "?limit=200" + before)))
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

  /**
   * SIGTERM to the node ({@link Process#destroy}): coordinated shutdown hands its shards off and it
   * leaves the cluster. Returns the exit code; fails if it is still running after {@code timeout}.
   */
  int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still running " + timeout + " after SIGTERM");
    }
    return process.exitValue();
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
