package dev.parley.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.TestPostgres;
import dev.parley.TestPostgres.Database;
import dev.parley.TestTags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shipped schema on a real PostgreSQL: it creates every table the journal uses, running it
 * again changes nothing, appliers started together on a fresh database all succeed, and an applier
 * waits for the advisory lock while another holds it.
 */
@Tag(TestTags.POSTGRES)
@ExtendWith(LogCapturingExtension.class)
class PostgresSchemaTest {
  private static final List<String> TABLES =
      List.of("durable_state", "event_journal", "event_tag", "snapshot");
  private static ExecutorService threads;

  @BeforeAll
  static void startThreads() {
    threads = Executors.newFixedThreadPool(4);
  }

  @AfterAll
  static void stopThreads() {
    threads.shutdownNow();
  }

  private static PostgresSchema schemaOn(Database db) {
    return new PostgresSchema(db::open, threads);
  }

  @Test
  void everyStatementIsIdempotent() {
    List<String> statements = PostgresSchema.statements();
    assertEquals(7, statements.size(), statements.toString());
    statements.forEach(sql -> assertTrue(sql.contains("IF NOT EXISTS"), sql));
  }

  @Test
  void createsTheJournalTablesAndCanRunAgain() throws Exception {
    Database db = TestPostgres.freshDatabase("schema");
    schemaOn(db).apply().toCompletableFuture().get(30, TimeUnit.SECONDS);
    insertAnEvent(db);
    schemaOn(db).apply().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(TABLES, tables(db));
    assertEquals(1, count(db, "SELECT COUNT(*) FROM event_journal"), "the row is still there");
  }

  @Test
  void appliersStartedTogetherOnAFreshDatabaseAllSucceed() throws Exception {
    Database db = TestPostgres.freshDatabase("schemarace");
    // Each apply() goes to its own thread of the pool at once: three nodes starting together.
    List<CompletableFuture<?>> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      runs.add(schemaOn(db).apply().toCompletableFuture());
    }
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertEquals(TABLES, tables(db));
  }

  @Test
  void anApplierWaitsWhileAnotherHoldsTheLock() throws Exception {
    Database db = TestPostgres.freshDatabase("schemalock");
    try (Connection holder = db.open()) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        lock.setLong(1, PostgresSchema.LOCK_KEY);
        lock.execute();
      }
      CompletableFuture<?> applying = schemaOn(db).apply().toCompletableFuture();
      awaitWaitingForTheLock(db, applying);
      assertFalse(applying.isDone(), "the applier ran while another transaction held the lock");
      assertEquals(List.of(), tables(db));
      holder.commit();
      applying.get(30, TimeUnit.SECONDS);
    }
    assertEquals(TABLES, tables(db));
  }

  /** Polls pg_locks; between two polls waits on the applier, which must not finish. */
  private static void awaitWaitingForTheLock(Database db, CompletableFuture<?> applying)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String waiting =
        "SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
            + " WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()";
    while (count(db, waiting) == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no applier waited for the advisory lock within 10 s");
      }
      try {
        applying.get(50, TimeUnit.MILLISECONDS);
        throw new AssertionError("the applier ran while another transaction held the lock");
      } catch (TimeoutException stillWaiting) {
        // as it should: poll again
      }
    }
  }

  private static void insertAnEvent(Database db) throws SQLException {
    try (Connection c = db.open();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO event_journal (persistence_id, sequence_number, writer,"
                    + " event_ser_id, event_ser_manifest, event_payload)"
                    + " VALUES ('p', 1, 'w', 1, 'm', ?)")) {
      insert.setBytes(1, new byte[] {1});
      insert.executeUpdate();
    }
  }

  private static List<String> tables(Database db) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Connection c = db.open();
        PreparedStatement query =
            c.prepareStatement(
                "SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() ORDER BY table_name");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        tables.add(rows.getString(1));
      }
    }
    return tables;
  }

  private static long count(Database db, String sql) throws SQLException {
    try (Connection c = db.open();
        PreparedStatement query = c.prepareStatement(sql);
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
