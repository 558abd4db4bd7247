package dev.parley.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped H2 schema on a real embedded H2: every statement is idempotent, a second start
 * changes nothing; and the eraser removes one persistence id's events, tags and snapshots, and
 * nothing of another's.
 */
class H2SchemaAndEraserTest {
  /** The work runs on the test's thread: these tests have no dispatcher to protect. */
  private static final Executor HERE = Runnable::run;

  @TempDir Path dir;

  private Connection open() throws SQLException {
    return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("journal") + ";WRITE_DELAY=0");
  }

  @Test
  void everyStatementIsIdempotent() {
    assertEquals(9, H2Schema.statements().size());
    H2Schema.statements().stream()
        .filter(sql -> sql.startsWith("CREATE"))
        .forEach(sql -> assertTrue(sql.contains("IF NOT EXISTS"), sql));
  }

  @Test
  void theJournalsOrderingNumbersComeFromALargeCache() throws Exception {
    H2Schema schema = new H2Schema(this::open, HERE);
    schema.apply().toCompletableFuture().get(10, TimeUnit.SECONDS);
    schema.apply().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (Connection c = open();
        Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery(
                "SELECT IDENTITY_CACHE FROM INFORMATION_SCHEMA.COLUMNS"
                    + " WHERE TABLE_NAME = 'event_journal' AND COLUMN_NAME = 'ordering'")) {
      assertTrue(rows.next());
      assertEquals(10_000, rows.getLong(1));
    }
    assertTrue(
        insertEvent("Conversation|user:api:a", 1) < insertEvent("Conversation|user:api:a", 2));
  }

  @Test
  void theSchemaAppliesTwiceAndTheEraserRemovesOneIdOnly() throws Exception {
    H2Schema schema = new H2Schema(this::open, HERE);
    schema.apply().toCompletableFuture().get(10, TimeUnit.SECONDS);
    schema.apply().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (String id : new String[] {"Conversation|user:api:a", "Conversation|user:api:b"}) {
      for (int seq = 1; seq <= 2; seq++) {
        long ordering = insertEvent(id, seq);
        try (Connection c = open();
            PreparedStatement tag =
                c.prepareStatement("INSERT INTO \"event_tag\" VALUES (?, 'tag')")) {
          tag.setLong(1, ordering);
          tag.executeUpdate();
        }
      }
      try (Connection c = open();
          PreparedStatement snapshot =
              c.prepareStatement(
                  "INSERT INTO \"snapshot\" (\"persistence_id\", \"sequence_number\", \"created\","
                      + " \"snapshot_ser_id\", \"snapshot_ser_manifest\", \"snapshot_payload\")"
                      + " VALUES (?, 2, 0, 1, 'm', X'00')")) {
        snapshot.setString(1, id);
        snapshot.executeUpdate();
      }
    }

    new JournalEraser(this::open, HERE)
        .erase("Conversation|user:api:a")
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    assertEquals(0, count("event_journal", "Conversation|user:api:a"));
    assertEquals(0, count("snapshot", "Conversation|user:api:a"));
    assertEquals(2, count("event_journal", "Conversation|user:api:b"));
    assertEquals(1, count("snapshot", "Conversation|user:api:b"));
    try (Connection c = open();
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM \"event_tag\"")) {
      rows.next();
      assertEquals(2, rows.getInt(1));
    }
  }

  private long insertEvent(String id, int seq) throws SQLException {
    try (Connection c = open();
        PreparedStatement event =
            c.prepareStatement(
                "INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\","
                    + " \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\","
                    + " \"event_ser_id\", \"event_ser_manifest\") VALUES (?, ?, 'w', 0, '', X'00',"
                    + " 1, 'm')",
                Statement.RETURN_GENERATED_KEYS)) {
      event.setString(1, id);
      event.setInt(2, seq);
      event.executeUpdate();
      try (ResultSet keys = event.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  private int count(String table, String id) throws SQLException {
    try (Connection c = open();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT COUNT(*) FROM \"" + table + "\" WHERE \"persistence_id\" = ?")) {
      s.setString(1, id);
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }
}
