package dev.parley.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * What the bench's doubles (the model, the channels' APIs) share: a pekko-http server on 127.0.0.1
 * and a port from the OS, bound before the node starts and unbound at the end, JSON answers,
 * request bodies read without a stream when they arrived whole, and calls counted by kind.
 */
final class DoubleServer {
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

  private final ServerBinding binding;
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

  private DoubleServer(ServerBinding binding) {
    this.binding = binding;
  }

  /**
   * An actor system for doubles, stopped by {@code teardown}: local only (Parley's reference.conf
   * asks for a cluster), and a server that never times a held call out or turns away the node's
   * pool of connections. Each double's system has its own name, so its threads' CPU is told apart.
   */
  static ActorSystem<Void> startSystem(String name, Teardown teardown) {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name, systemConfig());
    teardown.add(
        () -> {
          system.terminate();
          system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        });
    return system;
  }

  private static Config systemConfig() {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "pekko.actor.provider = local",
                "pekko.loglevel = WARNING",
                // The bench's own shutdown hook stops the doubles, after the node.
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
                "pekko.http.server.request-timeout = infinite",
                "pekko.http.server.idle-timeout = infinite",
                "pekko.http.server.max-connections = 16384",
                "pekko.http.server.backlog = 1024"))
        .withFallback(ConfigFactory.load());
  }

  /** Binds {@code h}; waits (on the caller's thread, at start-up only) until it is bound. */
  static DoubleServer bind(
      ActorSystem<?> system, String what, Function<HttpRequest, CompletionStage<HttpResponse>> h) {
    try {
      return new DoubleServer(
          Http.get(system)
              .newServerAt("127.0.0.1", 0)
              .bind(h::apply)
              .toCompletableFuture()
              .get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (Exception e) {
      throw new BenchFailure("the " + what + " could not bind on 127.0.0.1", e);
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  String root() {
    return "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  void count(String kind) {
    calls.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /** Every kind of call counted, sorted by name. */
  Map<String, Long> calls() {
    Map<String, Long> sorted = new TreeMap<>();
    calls.forEach((kind, n) -> sorted.put(kind, n.sum()));
    return sorted;
  }

  void unbind(String what) {
    try {
      binding.terminate(Duration.ofSeconds(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("bench: the " + what + " did not unbind: " + e);
    }
  }

  /**
   * The request's body as text: at once when it arrived whole (a small JSON post, the usual case),
   * else collected and continued on the system's dispatcher (never the JDK's default executor).
   */
  static CompletionStage<String> body(ActorSystem<?> system, HttpRequest request) {
    HttpEntity entity = request.entity();
    if (entity instanceof HttpEntity.Strict strict) {
      return CompletableFuture.completedFuture(strict.getData().utf8String());
    }
    return entity
        .toStrict(10_000, system)
        .thenApplyAsync(whole -> whole.getData().utf8String(), system.executionContext());
  }

  static HttpResponse json(int status, byte[] body) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  static HttpResponse json(int status, String body) {
    return json(status, body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The value of {@code "field":} in compact JSON as its raw text: a string's content with its
   * escapes as they are, or a number's digits; null when absent. Enough for the few fields a double
   * reads from the bodies the node writes, without parsing each body into a tree.
   */
  static String field(String json, String field) {
    String marker = "\"" + field + "\":";
    int at = json.indexOf(marker);
    if (at < 0) {
      return null;
    }
    int start = at + marker.length();
    while (start < json.length() && json.charAt(start) == ' ') {
      start++;
    }
    if (start >= json.length()) {
      return null;
    }
    if (json.charAt(start) == '"') {
      int end = start + 1;
      while (end < json.length() && json.charAt(end) != '"') {
        end += json.charAt(end) == '\\' ? 2 : 1;
      }
      return end < json.length() ? json.substring(start + 1, end) : null;
    }
    int end = start;
    while (end < json.length() && "-0123456789".indexOf(json.charAt(end)) >= 0) {
      end++;
    }
    return end > start ? json.substring(start, end) : null;
  }
}
