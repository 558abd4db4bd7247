package dev.parley;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.parley.llm.ModelClient;
import dev.parley.llm.OfflineModel;
import dev.parley.tool.ToolRegistry;
import dev.parley.tool.ToolSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.japi.function.Creator;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * A real Parley node in this JVM, started the way production starts one ({@link Main#checked} then
 * {@link Main#init}) on free ports, with H2 in a data directory of its own (or one the test passes,
 * to start a second node on the first one's data after {@link #stop}). Comes with a small HTTP
 * client for the node's API.
 */
public final class TestNode implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);

  private final ActorSystem<Void> system;
  private final Path dataDir;
  private final int port;
  private final Config config;
  private final int managementPort;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private TestNode(
      ActorSystem<Void> system, Path dataDir, int port, Config config, int managementPort) {
    this.system = system;
    this.dataDir = dataDir;
    this.port = port;
    this.config = config;
    this.managementPort = managementPort;
  }

  /** The production parts for a laptop: the offline model and the built-in tools. */
  public static Deps offline(Config config) {
    return withModel(new OfflineModel()).apply(config);
  }

  /** The production parts around {@code model}: the built-in tools and the system clock. */
  public static Function<Config, Deps> withModel(ModelClient model) {
    return config ->
        new Deps(
            model,
            ToolRegistry.builtIn(ToolSettings.from(config), Clock.systemUTC()),
            Clock.systemUTC());
  }

  /** A node with the offline model on a fresh data directory. */
  public static TestNode start(Map<String, ?> overrides) {
    return start(freshDataDir(), overrides, TestNode::offline);
  }

  /** A node whose model and tools come from its configuration, as in production. */
  public static TestNode startConfigured(Map<String, ?> overrides) {
    return start(freshDataDir(), overrides, null);
  }

  /**
   * A node on {@code dataDir} (possibly one an earlier, stopped node used); {@code deps} null takes
   * them from the configuration ({@link Deps#fromConfig}).
   */
  public static TestNode start(
      Path dataDir, Map<String, ?> overrides, Function<Config, Deps> deps) {
    Map<String, Object> all = new HashMap<>();
    all.put("parley.db.data-dir", dataDir.toString());
    all.put("parley.http.port", 0);
    all.put("parley.cluster.remoting-port", 0);
    all.put("parley.cluster.management-port", 0);
    all.putAll(overrides);
    Config config = Main.checked(ConfigFactory.parseMap(all).withFallback(ConfigFactory.load()));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "parley", config);
    try {
      ServerBinding binding =
          Main.init(system, deps == null ? Deps.fromConfig(system) : deps.apply(config))
              .toCompletableFuture()
              .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      // Main started management already; start() again answers with the same bound address.
      int managementPort =
          PekkoManagement.get(system.classicSystem())
              .start()
              .toCompletableFuture()
              .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .port();
      return new TestNode(
          system, dataDir, binding.localAddress().getPort(), config, managementPort);
    } catch (Exception e) {
      terminate(system);
      throw new IllegalStateException("the node did not start", e);
    }
  }

  public static Path freshDataDir() {
    try {
      return Files.createTempDirectory("parley-node-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public int port() {
    return port;
  }

  /** The port Pekko Management (health, metrics) is bound to. */
  public int managementPort() {
    return managementPort;
  }

  /** A GET on the management port. */
  public Reply getManagement(String path) {
    return send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
            .timeout(Duration.ofSeconds(30))
            .GET(),
        List.of());
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The JDBC URL the node's journal uses (see NodeConfig); in this JVM it shares the database. */
  public String jdbcUrl() {
    return config.getString("pekko-persistence-jdbc.shared-databases.slick.db.url");
  }

  /** A connection of the test's own to the node's journal database (H2 or PostgreSQL). */
  public Connection openDatabase() throws SQLException {
    String db = "pekko-persistence-jdbc.shared-databases.slick.db.";
    return DriverManager.getConnection(
        jdbcUrl(), config.getString(db + "user"), config.getString(db + "password"));
  }

  /** Terminates the actor system (coordinated shutdown) and waits until it is gone. */
  public void stop() {
    terminate(system);
  }

  @Override
  public void close() {
    stop();
  }

  private static void terminate(ActorSystem<Void> system) {
    system.terminate();
    try {
      system
          .getWhenTerminated()
          .toCompletableFuture()
          .get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the node did not stop within " + STOP_TIMEOUT, e);
    }
  }

  /**
   * Retries {@code check} (which throws AssertionError until it holds) until it passes or {@code
   * max} is over, on this node's actor system; returns its last value.
   */
  public <T> T awaitAssert(Duration max, Creator<T> check) {
    return TestProbe.<Object>create(system).awaitAssert(max, Duration.ofMillis(100), check);
  }

  // HTTP

  /** A status and a parsed JSON body (MissingNode when the body is empty). */
  public record Reply(int status, JsonNode body, String raw, java.net.http.HttpHeaders headers) {
    /** The first value of header {@code name}, or null. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  public Reply postJson(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)),
        List.of());
  }

  /** Posts these exact bytes as JSON (e.g. bytes that are not valid UTF-8). */
  public Reply postBytes(String path, byte[] body) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
        List.of());
  }

  /** Posts {@code json} with chunked transfer encoding: no Content-Length up front. */
  public Reply postChunked(String path, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))),
        List.of());
  }

  public Reply get(String path) {
    return send(request(path).GET(), List.of());
  }

  public Reply delete(String path) {
    return send(request(path).DELETE(), List.of());
  }

  /** Any request: method, optional body (null: none) and extra headers as name, value pairs. */
  public Reply send(String method, String path, String body, String... headers) {
    HttpRequest.Builder builder =
        request(path)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      builder.header("Content-Type", "application/json");
    }
    return send(builder, List.of(headers));
  }

  /** The body as JSON; MissingNode when empty or not JSON (the raw text stays in the reply). */
  private static JsonNode parse(String raw) {
    if (raw == null || raw.isEmpty()) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(raw);
    } catch (JsonProcessingException e) {
      return MissingNode.getInstance();
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30));
  }

  private Reply send(HttpRequest.Builder builder, List<String> headers) {
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      builder.header(headers.get(i), headers.get(i + 1));
    }
    try {
      HttpResponse<String> response =
          http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      String raw = response.body();
      return new Reply(response.statusCode(), parse(raw), raw, response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
