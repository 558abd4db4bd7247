package dev.parley.db;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the journal's database answers, for the readiness detail: a {@code SELECT 1} through the
 * journal's own connection pool, on the blocking dispatcher, bounded by a timeout. A result is kept
 * for {@code cache-for}, so probes every few seconds from every kubelet and load balancer cost at
 * most one query per interval; only one check runs at a time. A probe never waits for the database
 * longer than {@code probe-wait}: past it, it gets the last known result. Informational only:
 * readiness never goes false for the database (every pod shares it).
 */
public final class DatabaseCheck {
  private static final Logger log = LoggerFactory.getLogger(DatabaseCheck.class);

  /**
   * One check: up or down, when it ran, how long it took, since when the database has been in this
   * state, and for a failure the exception's class and its root cause's class (never a message,
   * which might name a host or user: those go to the log).
   */
  public record Result(
      boolean ok, Instant checkedAt, long tookMillis, Instant since, String error, String cause) {
    public ObjectNode toJson() {
      ObjectNode json = JsonNodeFactory.instance.objectNode();
      json.put("ok", ok);
      json.put("checkedAt", checkedAt.toString());
      json.put("tookMillis", tookMillis);
      json.put("since", since.toString());
      json.put("error", error);
      json.put("cause", cause);
      return json;
    }
  }

  /** How the check runs: its timeout, how long a result is reused, how long a probe waits. */
  public record Settings(Duration timeout, Duration cacheFor, Duration probeWait) {
    public static Settings from(Config config) {
      Config c = config.getConfig("parley.db.check");
      return new Settings(
          c.getDuration("timeout"), c.getDuration("cache-for"), c.getDuration("probe-wait"));
    }
  }

  private final JdbcConnections connections;
  private final Executor blocking;
  private final Settings settings;
  private final Clock clock;
  private final AtomicReference<Result> last = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<Result>> running = new AtomicReference<>();

  public DatabaseCheck(
      JdbcConnections connections, Executor blocking, Settings settings, Clock clock) {
    this.connections = connections;
    this.blocking = blocking;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * The detail for a probe: the cached result while it is fresh; otherwise a new check, waited for
   * at most {@code probe-wait}, then the last known result ({@code "ok": null} before the first).
   */
  public CompletionStage<ObjectNode> detail() {
    Result known = last.get();
    if (known != null && !stale(known)) {
      return CompletableFuture.completedFuture(known.toJson());
    }
    return check()
        .thenApply(Result::toJson)
        .completeOnTimeout(null, settings.probeWait().toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(fresh -> fresh != null ? fresh : lastKnown());
  }

  /** Runs a check unless one is running already; completes with its result, never fails. */
  public CompletableFuture<Result> check() {
    CompletableFuture<Result> mine = new CompletableFuture<>();
    CompletableFuture<Result> other = running.compareAndExchange(null, mine);
    if (other != null) {
      return other;
    }
    Instant started = clock.instant();
    long startNanos = System.nanoTime();
    CompletableFuture<Void> query;
    try {
      query = CompletableFuture.runAsync(this::selectOne, blocking);
    } catch (RejectedExecutionException e) {
      query = CompletableFuture.failedFuture(e);
    }
    query
        .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (done, error) -> record(error, started, (System.nanoTime() - startNanos) / 1_000_000))
        .whenComplete(
            (result, error) -> {
              running.set(null);
              mine.complete(result);
            });
    return mine;
  }

  private void selectOne() {
    try (Connection connection = connections.open();
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout((int) Math.max(1, settings.timeout().toSeconds()));
      try (ResultSet rows = statement.executeQuery("SELECT 1")) {
        rows.next();
      }
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }

  private Result record(Throwable error, Instant at, long tookMillis) {
    Throwable failure = unwrap(error);
    Result before = last.get();
    boolean ok = failure == null;
    Instant since = before != null && before.ok() == ok ? before.since() : at;
    Result result =
        new Result(
            ok,
            at,
            tookMillis,
            since,
            ok ? null : failure.getClass().getSimpleName(),
            ok ? null : rootCause(failure));
    last.set(result);
    if (!ok && (before == null || before.ok())) {
      log.warn(
          "parley: database check failed ({}: {}); readiness stays true, receipts get 503 until"
              + " it answers",
          failure.getClass().getSimpleName(),
          failure.getMessage());
    } else if (ok && before != null && !before.ok()) {
      log.info("parley: database answers again (down since {})", before.since());
    }
    return result;
  }

  private ObjectNode lastKnown() {
    Result known = last.get();
    if (known != null) {
      return known.toJson();
    }
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.putNull("ok");
    json.put("checking", true);
    return json;
  }

  private boolean stale(Result result) {
    return result.checkedAt().plus(settings.cacheFor()).isBefore(clock.instant());
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == failure ? null : root.getClass().getSimpleName();
  }
}
