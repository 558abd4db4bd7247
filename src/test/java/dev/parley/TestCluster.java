package dev.parley;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Three Parley nodes started as {@code scripts/run} processes on one fresh PostgreSQL database, the
 * same seed list (all three remoting addresses) on every node, ports from the OS, a log file per
 * node and the {@link ModelServerDouble} as their model. Knows which nodes take traffic (started
 * and ready, not being stopped), delivers messages the way a channel does (retrying 503 and
 * connection errors with the same id) and closes everything, also after a failure.
 */
final class TestCluster implements AutoCloseable, AfterAllCallback {
  static final int SIZE = 3;
  static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);

  /**
   * Three JVMs share two cores with the test: small heaps, the C1 compiler only (quick start, less
   * CPU for compiling), the serial collector (no parallel GC threads fighting for the cores).
   */
  private static final String JAVA_OPTS = "-Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String owner;
  private final ActorTestKit testKit;
  private final ModelServerDouble model;
  private final TestPostgres.Database database;
  private final Path workDir;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final int[] httpPorts = new int[SIZE];
  private final int[] remotingPorts = new int[SIZE];
  private final int[] managementPorts = new int[SIZE];
  private final ParleyProcess[] nodes = new ParleyProcess[SIZE];
  private final boolean[] serving = new boolean[SIZE];
  private final List<ParleyProcess> everyStart = new ArrayList<>();
  private final AtomicInteger starts = new AtomicInteger();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Map<String, String> extraEnvironment = new HashMap<>();

  private TestCluster(String owner) throws IOException {
    this.owner = owner;
    // The double needs no cluster: a local provider keeps it off Parley's remoting port.
    testKit = DoublesKit.create(owner);
    model = ModelServerDouble.echoing(testKit.system());
    database = TestPostgres.freshDatabase(owner);
    workDir = Files.createTempDirectory("parley-" + owner + "-");
    for (int i = 0; i < SIZE; i++) {
      httpPorts[i] = FreePorts.pick();
      remotingPorts[i] = FreePorts.pick();
      managementPorts[i] = FreePorts.pick();
    }
  }

  /** Database, model double and ports; no node runs yet. The model holds until told. */
  static TestCluster create(String owner) throws IOException {
    return new TestCluster(owner);
  }

  /**
   * {@link #create} for a test class's {@code @RegisterExtension static final} field: closed after
   * the class's last test.
   */
  static TestCluster forTests(String owner) {
    try {
      return create(owner);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #forTests} with a model that answers every call at once (echoing). */
  static TestCluster answering(String owner) {
    TestCluster cluster = forTests(owner);
    cluster.model().answer();
    return cluster;
  }

  ModelServerDouble model() {
    return model;
  }

  /** The test's actor system (local only), for further wire-level doubles such as Telegram's. */
  ActorSystem<?> system() {
    return testKit.system();
  }

  /** Variables every node started from now on gets too (a channel's credentials, say). */
  void addEnvironment(Map<String, String> variables) {
    extraEnvironment.putAll(variables);
  }

  HttpClient http() {
    return http;
  }

  ParleyProcess node(int i) {
    return nodes[i];
  }

  /** Starts every node at once and waits until all are ready and see three Up members. */
  void startAll() throws Exception {
    for (int i = 0; i < SIZE; i++) {
      start(i);
    }
    for (int i = 0; i < SIZE; i++) {
      awaitReady(i);
    }
  }

  /** Starts node {@code i} (again); it takes traffic only after {@link #awaitReady}. */
  void start(int i) throws IOException {
    String seeds =
        IntStream.of(remotingPorts)
            .mapToObj(p -> "127.0.0.1:" + p)
            .collect(Collectors.joining(","));
    Map<String, String> env = new HashMap<>(database.nodeEnvironment(remotingPorts[i]));
    env.put("PARLEY_SEED_NODES", seeds);
    env.put("PARLEY_CLASSPATH", ParleyProcess.testClasspathWithoutTestClasses());
    env.put("PARLEY_HOSTNAME", "127.0.0.1");
    env.put("PARLEY_HTTP_PORT", Integer.toString(httpPorts[i]));
    env.put("PARLEY_REMOTING_PORT", Integer.toString(remotingPorts[i]));
    env.put("PARLEY_MANAGEMENT_PORT", Integer.toString(managementPorts[i]));
    env.put("PARLEY_DATA_DIR", workDir.resolve("data-" + (i + 1)).toString());
    env.putAll(model.processEnvironment());
    env.put("JAVA_OPTS", JAVA_OPTS);
    env.putAll(extraEnvironment);
    String name = "node-" + (i + 1) + "." + starts.incrementAndGet();
    ParleyProcess node =
        ParleyProcess.start(
            name, Path.of("").toAbsolutePath(), workDir.resolve(name + ".log"), env);
    everyStart.add(node);
    nodes[i] = node;
  }

  /** Waits for node {@code i}'s /ready and until it sees all three members Up; then serves. */
  void awaitReady(int i) throws Exception {
    awaitReady(i, SIZE);
  }

  /**
   * Waits for node {@code i}'s /ready and until it sees {@code members} members Up (fewer than
   * {@link #SIZE} while some nodes are not started yet); then serves.
   */
  void awaitReady(int i, int members) throws Exception {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    nodes[i].awaitManagementReady(http, READY_TIMEOUT);
    while (nodes[i].upMembers(http) != members) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(nodes[i].name() + " did not see " + members + " Up members");
      }
      nodes[i].pause();
    }
    setServing(i, true);
  }

  /** SIGTERM to node {@code i} after taking it out of the traffic; returns its exit code. */
  int stop(int i) throws InterruptedException {
    setServing(i, false);
    return nodes[i].stop(STOP_TIMEOUT);
  }

  /**
   * SIGTERM to node {@code i} while the traffic may still pick it, as a load balancer that lags
   * behind readiness does: requests reach it during its shutdown (answered, refused, or cut off)
   * until it has exited. Returns its exit code.
   */
  int stopWhileServing(int i) throws InterruptedException {
    try {
      return nodes[i].stop(STOP_TIMEOUT);
    } finally {
      setServing(i, false);
    }
  }

  /** {@code kill -9} of node {@code i} and its descendants, after taking it out of the traffic. */
  void kill(int i) throws InterruptedException {
    setServing(i, false);
    nodes[i].kill();
  }

  /** A node that takes traffic now, chosen at random. */
  ParleyProcess randomServingNode() {
    List<ParleyProcess> candidates = new ArrayList<>();
    synchronized (serving) {
      for (int i = 0; i < SIZE; i++) {
        if (serving[i]) {
          candidates.add(nodes[i]);
        }
      }
    }
    if (candidates.isEmpty()) {
      throw new AssertionError("no node takes traffic");
    }
    return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
  }

  private void setServing(int i, boolean value) {
    synchronized (serving) {
      serving[i] = value;
    }
  }

  /**
   * Posts one message to random serving nodes until a node acknowledges it (202, or 200 with {@code
   * waitSeconds}), retrying 503 and connection errors with the same id, as a channel does. Returns
   * the answer's JSON and counts the retries; fails after {@code timeout}.
   */
  JsonNode deliver(SentLog.Sent sent, int waitSeconds, Duration timeout, AtomicInteger retries)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "nothing";
    while (System.nanoTime() < deadline) {
      ParleyProcess node = randomServingNode();
      try {
        HttpResponse<String> response =
            node.postMessage(
                    http,
                    sent.key(),
                    sent.id(),
                    sent.text(),
                    Duration.ofSeconds(waitSeconds + 15),
                    waitSeconds)
                .get(waitSeconds + 20, TimeUnit.SECONDS);
        int status = response.statusCode();
        if (status == 200 || status == 202) {
          return MAPPER.readTree(response.body());
        }
        if (status != 503) {
          throw new AssertionError(
              "POST " + sent.id() + " to " + node.name() + ": " + status + " " + response.body());
        }
        last = node.name() + " answered 503 " + response.body();
      } catch (java.util.concurrent.ExecutionException e) {
        last = node.name() + ": " + e.getCause();
      }
      retries.incrementAndGet();
      // The pause before a retry; ends at once when the cluster closes.
      if (closing.await(100, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the cluster is closing");
      }
    }
    throw new AssertionError(
        "message " + sent.id() + " not acknowledged in " + timeout + ": " + last);
  }

  /**
   * Polls {@code keys} on serving nodes until every id of {@code expected} is in a completed turn
   * and nothing waits (inbox empty, state idle); returns the conversations read last.
   */
  Map<String, JsonNode> awaitSettled(SentLog expected, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<String, JsonNode> conversations = new HashMap<>();
      for (String key : expected.keys()) {
        conversations.put(key, randomServingNode().readConversation(http, key));
      }
      if (expected.allRecorded(conversations)) {
        return conversations;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not settled after " + timeout + ": " + expected.missing(conversations));
      }
      randomServingNode().pause();
    }
  }

  /** The tail of every node's log, each start of a node separately. */
  String logs() {
    return everyStart.stream().map(node -> node.logTail(150)).collect(Collectors.joining("\n"));
  }

  /** Kills what still runs, stops the double and the test kit, removes the work directory. */
  @Override
  public void close() throws Exception {
    closing.countDown();
    try {
      for (ParleyProcess node : everyStart) {
        if (node.isAlive()) {
          node.kill();
        }
      }
    } finally {
      try {
        model.close();
      } finally {
        testKit.shutdownTestKit();
        if (Boolean.getBoolean("parley.test.keep-work-dir")) {
          System.out.println("TestCluster: the nodes' logs are kept in " + workDir);
        } else {
          deleteRecursively(workDir);
        }
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    close();
  }

  @Override
  public String toString() {
    return owner;
  }
}
