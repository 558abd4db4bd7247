package dev.parley.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The database floor for {@code --db postgres}, what pgbench would measure: single-row INSERTs of
 * receipt-sized rows (about 200 bytes: a persistence id, a sequence number and a 150-byte payload)
 * into a scratch table of the same PostgreSQL, each in its own transaction (autocommit), from
 * {@code connections} JDBC connections on threads of their own for a fixed time. Parley's journal
 * batches several receipts into one transaction, so it can beat this floor.
 */
final class InsertFloor {
  /**
   * Rows inserted in the window, their latencies, the window's length, PostgreSQL's CPU seconds in
   * it, and the first error, if any.
   */
  record Result(
      long rows, LatencyHistogram latency, double seconds, double postgresCpu, String error) {
    double rowsPerSecond() {
      return seconds > 0 ? rows / seconds : 0;
    }
  }

  private static final String TABLE = "bench_insert_floor";

  private InsertFloor() {}

  static Result run(BenchPostgres postgres, int connections, Duration duration)
      throws InterruptedException {
    try (Connection admin = postgres.open();
        Statement ddl = admin.createStatement()) {
      ddl.execute("DROP TABLE IF EXISTS " + TABLE);
      ddl.execute(
          "CREATE TABLE "
              + TABLE
              + " (ordering BIGSERIAL PRIMARY KEY, persistence_id VARCHAR(255) NOT NULL,"
              + " sequence_number BIGINT NOT NULL, payload BYTEA NOT NULL)");
    } catch (SQLException e) {
      return new Result(0, new LatencyHistogram(), 0, 0, "scratch table: " + e.getMessage());
    }
    LongAdder rows = new LongAdder();
    LatencyHistogram latency = new LatencyHistogram();
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch connected = new CountDownLatch(connections);
    CountDownLatch go = new CountDownLatch(1);
    long[] window = new long[2];
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      int writer = i;
      Thread thread =
          new Thread(
              () -> insertLoop(postgres, writer, connected, go, window, rows, latency, firstError),
              "bench-insert-" + i);
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
    // Connections are opened before the clock starts: the floor measures inserts, not logins.
    connected.await(30, java.util.concurrent.TimeUnit.SECONDS);
    double cpuAtStart = ProcessCpu.seconds(postgres.pids());
    window[0] = System.nanoTime();
    window[1] = window[0] + duration.toNanos();
    go.countDown();
    for (Thread thread : threads) {
      thread.join(duration.toMillis() + 30_000);
    }
    double cpu = ProcessCpu.seconds(postgres.pids()) - cpuAtStart;
    dropTable(postgres);
    return new Result(rows.sum(), latency, duration.toNanos() / 1e9, cpu, firstError.get());
  }

  private static void insertLoop(
      BenchPostgres postgres,
      int writer,
      CountDownLatch connected,
      CountDownLatch go,
      long[] window,
      LongAdder rows,
      LatencyHistogram latency,
      AtomicReference<String> firstError) {
    byte[] payload = new byte[150];
    ThreadLocalRandom.current().nextBytes(payload);
    try (Connection connection = postgres.open();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO "
                    + TABLE
                    + " (persistence_id, sequence_number, payload) VALUES (?, ?, ?)")) {
      connection.setAutoCommit(true);
      connected.countDown();
      go.await();
      long end = window[1];
      String persistenceId = "Conversation|user:api:bench-floor-" + writer;
      for (long sequence = 1; ; sequence++) {
        long start = System.nanoTime();
        if (start >= end) {
          return;
        }
        insert.setString(1, persistenceId);
        insert.setLong(2, sequence);
        insert.setBytes(3, payload);
        insert.executeUpdate();
        long done = System.nanoTime();
        if (done <= end) {
          rows.increment();
          latency.record(done - start);
        }
      }
    } catch (SQLException e) {
      firstError.compareAndSet(null, e.getMessage());
      connected.countDown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void dropTable(BenchPostgres postgres) {
    try (Connection admin = postgres.open();
        Statement ddl = admin.createStatement()) {
      ddl.execute("DROP TABLE IF EXISTS " + TABLE);
    } catch (SQLException e) {
      System.err.println("bench: could not drop " + TABLE + ": " + e.getMessage());
    }
  }
}
