package dev.parley.bench;

import ch.qos.logback.classic.Level;
import dev.parley.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.LoggerFactory;

/**
 * {@code scripts/bench}'s main: starts the model double, PostgreSQL if asked, the channel's API
 * double for a webhook run and one Parley node, loads the node through its chat API or the
 * channel's webhook (warm-up, then the measured window), measures the floors, prints the table and
 * writes the JSON. Whatever happens, everything it started is stopped before it exits (0 after a
 * run, 1 when the run failed, 2 for bad options).
 */
public final class BenchMain {
  /** The model double's actor system; its threads' CPU is told apart by this name. */
  static final String MODEL_DOUBLE_SYSTEM = "bench-model-double";

  /** The channel double's actor system (webhook runs only), told apart the same way. */
  static final String CHANNEL_DOUBLE_SYSTEM = "bench-channel-double";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  /** An ingest post is answered within the node's ask timeout (5 s), or 503. */
  private static final Duration INGEST_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** GET is a new path for both JITs: 2 s left the compilers busy in the window. */
  private static final Duration HTTP_FLOOR_WARMUP = Duration.ofSeconds(5);

  private static final Duration GET_TIMEOUT = Duration.ofSeconds(10);

  /** How often the loaded node's /ready is probed during the measured window. */
  private static final Duration PROBE_EVERY = Duration.ofMillis(100);

  private BenchMain() {}

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage() + " (scripts/bench --help lists the options)");
      System.exit(2);
      return;
    }
    quietLogs();
    if (ForkJoinPool.getCommonPoolParallelism() < 2) {
      // See scripts/bench: java.net.http would then start a thread per request.
      say(
          "warning: the common pool's parallelism is 1, so the load generator starts a thread per"
              + " request; set -Djava.util.concurrent.ForkJoinPool.common.parallelism=2");
    }
    Teardown teardown = new Teardown();
    Runtime.getRuntime().addShutdownHook(teardown.asShutdownHook());
    int code = 0;
    try {
      run(options, teardown);
    } catch (Exception e) {
      code = 1;
      if (teardown.interrupted()) {
        System.err.println("bench: interrupted; everything it started is stopped");
      } else if (e instanceof BenchFailure) {
        System.err.println("bench: " + e.getMessage());
      } else {
        System.err.println("bench: failed:");
        e.printStackTrace();
      }
    } finally {
      say("stopping the node" + (options.postgres() ? " and PostgreSQL" : ""));
      teardown.runAll();
    }
    System.exit(code);
  }

  private static void run(BenchOptions o, Teardown teardown) throws Exception {
    Path project = Path.of("").toAbsolutePath();
    if (!Files.isRegularFile(project.resolve("application.conf"))) {
      throw new BenchFailure("run from the project's root, as scripts/bench does");
    }
    Path out = Files.createDirectories(project.resolve("target/bench"));
    OffsetDateTime startedAt = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS);
    String stamp = startedAt.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
    Path json = out.resolve(stamp + "-" + o.label() + ".json");
    Path nodeLog = out.resolve(stamp + "-" + o.label() + "-node.log");

    ActorSystem<Void> system = DoubleServer.startSystem(MODEL_DOUBLE_SYSTEM, teardown);
    if (o.mode() == BenchOptions.Mode.STATE) {
      say("applying events to one conversation's state, in this JVM");
      List<StateCost.Row> rows = StateCost.run(system);
      System.out.println();
      System.out.print(
          StateCost.table(
              rows, system.settings().config().getInt("parley.conversation.snapshot-every")));
      StateCost.writeJson(rows, Machine.describe(), json);
      System.out.println("  JSON             " + project.relativize(json));
      return;
    }
    ModelDouble model =
        ModelDouble.start(system, Duration.ofMillis(o.modelLatencyMs()), o.ingest());
    teardown.add(model::close);
    BenchChannel channel =
        BenchChannel.start(
            o.channel(),
            o.webhooks() ? DoubleServer.startSystem(CHANNEL_DOUBLE_SYSTEM, teardown) : null);
    teardown.add(channel::close);
    BenchPostgres postgres = null;
    if (o.postgres()) {
      say("starting the embedded PostgreSQL");
      postgres = BenchPostgres.start();
      teardown.add(postgres::close);
    }
    Path dataDir = Files.createTempDirectory("parley-bench-node-");
    teardown.add(() -> deleteTree(dataDir));

    say("starting the Parley node (" + o.heap() + "), log " + project.relativize(nodeLog));
    Map<String, String> nodeEnv = nodeEnvironment(o, model, postgres, dataDir);
    nodeEnv.putAll(channel.nodeEnvironment());
    // The pacing flags first: a -D of --heap's comes later and wins.
    String jvmFlags = String.join(" ", channel.pacingFlags()) + " " + o.heap();
    ParleyNode node = ParleyNode.start(project, nodeLog, jvmFlags, nodeEnv);
    teardown.add(node::close);
    node.awaitReady(READY_TIMEOUT);
    BenchPostgres db = postgres;
    Supplier<List<Long>> postgresPids = db == null ? List::of : db::pids;
    long journalAtStart = journalBytes(db, dataDir);

    if (o.mode() == BenchOptions.Mode.RECOVERY) {
      Path againLog = out.resolve(stamp + "-" + o.label() + "-node-restarted.log");
      Recovery.Result recovery =
          Recovery.run(
              o,
              node,
              () -> {
                // The same environment: same ports, data directory and database.
                ParleyNode again = ParleyNode.start(project, againLog, jvmFlags, nodeEnv);
                teardown.add(again::close);
                again.awaitReady(READY_TIMEOUT);
                return again;
              });
      System.out.println();
      System.out.print(Recovery.table(recovery));
      Recovery.writeJson(recovery, Machine.describe(), o.heap(), json);
      System.out.println("  JSON             " + project.relativize(json));
      return;
    }
    if (o.mode() == BenchOptions.Mode.BURST) {
      say("node ready (pid " + node.pid() + "); burst to " + o.conversations() + " conversations");
      Burst.Result burst = Burst.run(o, node, model, channel);
      System.out.println();
      System.out.print(BurstReport.table(burst));
      BurstReport.writeJson(burst, Machine.describe(), o.heap(), json);
      System.out.println("  JSON             " + project.relativize(json));
      return;
    }
    say(
        String.format(
            Locale.ROOT,
            "node ready (pid %d); %s load: %d s warm-up, then %d s measured",
            node.pid(),
            o.label(),
            o.warmupSeconds(),
            o.durationSeconds()));
    // A webhook's answer never waits for the turn; a chat API post waits for it in e2e.
    boolean postsWait = !o.ingest() && !o.webhooks();
    Duration requestTimeout =
        postsWait
            ? Duration.ofSeconds(BenchOptions.E2E_WAIT_SECONDS + 10L)
            : INGEST_REQUEST_TIMEOUT;
    ChannelWire wire = channel.wire(node.apiRoot(), postsWait ? BenchOptions.E2E_WAIT_SECONDS : 0);
    ConversationPicker picker = new ConversationPicker(o.conversations(), o.skew());
    Duration replyWait = Duration.ofSeconds(BenchOptions.E2E_WAIT_SECONDS);
    Workload posts =
        o.webhooks() && !o.ingest()
            ? new MessagePosts(wire, picker, requestTimeout, channel.replies(), replyWait)
            : new MessagePosts(wire, picker, requestTimeout);
    MeasuredLoad.Window main;
    ProbeSampler.Result probeUnderLoad;
    try (ProbeSampler sampler =
        new ProbeSampler(node.managementUri("/ready"), PROBE_EVERY, GET_TIMEOUT).start()) {
      main =
          MeasuredLoad.run(
              node,
              postgresPids,
              posts,
              o.connections(),
              o.rate(),
              Duration.ofSeconds(o.warmupSeconds()),
              Duration.ofSeconds(o.durationSeconds()),
              requestTimeout
                  .plus(o.webhooks() && !o.ingest() ? replyWait : Duration.ZERO)
                  .plusSeconds(5),
              sampler);
      probeUnderLoad = sampler.result();
    }
    long journalAtEnd = journalBytes(db, dataDir);

    MeasuredLoad.Window httpFloor = null;
    List<BenchResult.Probe> probes = new ArrayList<>();
    InsertFloor.Result insertFloor = null;
    if (o.floorSeconds() > 0) {
      URI nope = URI.create(node.apiRoot() + "/nope");
      say("HTTP floor: GET /nope for " + o.floorSeconds() + " s");
      httpFloor = gets(o, node, postgresPids, new PlainGets(nope, 404, "not-found", GET_TIMEOUT));
      for (String path : List.of("/alive", "/ready")) {
        URI probe = node.managementUri(path);
        say("probe: GET " + path + " for " + o.floorSeconds() + " s");
        MeasuredLoad.Window window =
            gets(o, node, postgresPids, new PlainGets(probe, 200, "ok", GET_TIMEOUT));
        probes.add(new BenchResult.Probe(PlainGets.describe(probe, 200), window));
      }
      if (db != null) {
        say("PostgreSQL floor: single-row INSERTs for " + o.floorSeconds() + " s");
        insertFloor = InsertFloor.run(db, o.connections(), Duration.ofSeconds(o.floorSeconds()));
      }
    }

    BenchResult result =
        new BenchResult(
            o,
            Machine.describe(),
            startedAt.toString(),
            node.pid(),
            project.relativize(nodeLog).toString(),
            db == null ? "H2 (embedded in the node), WRITE_DELAY=0" : "PostgreSQL " + db.describe(),
            channel.report(wire),
            main,
            httpFloor,
            probes,
            probeUnderLoad,
            insertFloor,
            journalAtStart,
            journalAtEnd,
            model.requests(),
            model.maxInFlight(),
            channel.replies().unexpected());
    System.out.println();
    System.out.print(ReportTable.of(result));
    ReportJson.write(result, json);
    System.out.println("JSON             " + project.relativize(json));
    System.out.println();
  }

  /** A closed-loop run of the same GET, as many connections as the main load, no rate. */
  private static MeasuredLoad.Window gets(
      BenchOptions o, ParleyNode node, Supplier<List<Long>> postgresPids, PlainGets gets)
      throws Exception {
    return MeasuredLoad.run(
        node,
        postgresPids,
        gets,
        o.connections(),
        0,
        HTTP_FLOOR_WARMUP,
        Duration.ofSeconds(o.floorSeconds()),
        GET_TIMEOUT.plusSeconds(5),
        null);
  }

  private static Map<String, String> nodeEnvironment(
      BenchOptions o, ModelDouble model, BenchPostgres postgres, Path dataDir) {
    int remotingPort = FreePorts.pick();
    Map<String, String> env = new HashMap<>();
    env.put("PARLEY_HTTP_PORT", Integer.toString(FreePorts.pick()));
    env.put("PARLEY_MANAGEMENT_PORT", Integer.toString(FreePorts.pick()));
    env.put("PARLEY_REMOTING_PORT", Integer.toString(remotingPort));
    env.put("PARLEY_HOSTNAME", "127.0.0.1");
    env.put("PARLEY_DATA_DIR", dataDir.toString());
    env.put("LLM_PROVIDER", "openai");
    env.put("LLM_BASE_URL", model.baseUrl());
    env.put("LLM_MODEL", "bench");
    env.put("PARLEY_LOG_LEVEL", "WARN");
    if (o.postgres()) {
      env.put("PARLEY_DB", "postgres");
      env.put("PARLEY_DB_URL", postgres.url());
      env.put("PARLEY_DB_USER", BenchPostgres.USER);
      env.put("PARLEY_DB_PASSWORD", BenchPostgres.PASSWORD);
      // A node on PostgreSQL refuses to start without seed nodes: a single node seeds itself.
      env.put("PARLEY_SEED_NODES", "127.0.0.1:" + remotingPort);
    }
    return env;
  }

  /** The journal's bytes: PostgreSQL's tables, or H2's one file. */
  private static long journalBytes(BenchPostgres postgres, Path dataDir) throws IOException {
    if (postgres != null) {
      return postgres.journalBytes();
    }
    Path file = dataDir.resolve("parley.mv.db");
    return Files.exists(file) ? Files.size(file) : 0;
  }

  /** The bench prints its own progress only; libraries and the double log warnings and worse. */
  private static void quietLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) {
      logs.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
      logs.getLogger("dev.parley").setLevel(Level.WARN);
    }
  }

  static void say(String progress) {
    System.err.println("bench: " + progress);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
