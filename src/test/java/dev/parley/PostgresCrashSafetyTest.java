package dev.parley;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * {@link CrashSafetyTest} with the journal on PostgreSQL: a {@code scripts/run} node killed with
 * {@code kill -9} after a burst of acknowledged messages, then started again on the same database,
 * gives every acknowledged message exactly one completed turn without a new message.
 */
@Tag(TestTags.POSTGRES)
class PostgresCrashSafetyTest extends CrashSafetyTest {
  private static TestPostgres.Database database;

  @BeforeAll
  static void createDatabase() {
    database = TestPostgres.freshDatabase("crash");
  }

  /** The receipts really went to PostgreSQL (the nodes were given no H2 to fall back on). */
  @AfterAll
  static void receiptsAreInPostgres() throws Exception {
    try (Connection connection = database.open();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT COUNT(*) FROM event_journal WHERE persistence_id LIKE 'Conversation|%'")) {
      rows.next();
      assertTrue(rows.getLong(1) >= 200, "conversation events in PostgreSQL: " + rows.getLong(1));
    }
  }

  @Override
  Map<String, String> databaseEnvironment(int remotingPort) {
    return database.nodeEnvironment(remotingPort);
  }
}
