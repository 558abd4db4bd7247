package dev.parley;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * {@link NodeRestartTest} with the journal on PostgreSQL: a turn cut off by a node stop (tool call
 * in flight) is finished exactly once by the next node on the same database, without a new message.
 * Both nodes use the same remoting port, their own single seed node.
 */
@Tag(TestTags.POSTGRES)
class PostgresNodeRestartTest extends NodeRestartTest {
  private static Map<String, Object> database;

  @BeforeAll
  static void createDatabase() {
    database = TestPostgres.freshDatabase("restart").nodeOverrides(FreePorts.pick());
  }

  @Override
  Map<String, Object> database() {
    return database;
  }
}
