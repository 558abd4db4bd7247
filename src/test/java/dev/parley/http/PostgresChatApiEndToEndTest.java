package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.FreePorts;
import dev.parley.TestPostgres;
import dev.parley.TestTags;
import java.sql.Connection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every case of {@link ChatApiEndToEndTest} again with the node's journal on PostgreSQL (a database
 * of its own, the schema applied by the node at start-up): receipts, duplicates, {@code ?wait}
 * outcomes, reads, and DELETE leaving no row in event_journal or snapshot.
 */
@Tag(TestTags.POSTGRES)
class PostgresChatApiEndToEndTest extends ChatApiEndToEndTest {
  // Hides ChatApiEndToEndTest.startNode(), so JUnit runs only this one.
  @BeforeAll
  static void startNode() {
    startNode(TestPostgres.freshDatabase("chatapi").nodeOverrides(FreePorts.pick()));
  }

  @Test
  void journalIsOnPostgres() throws Exception {
    try (Connection connection = node.openDatabase()) {
      assertEquals("PostgreSQL", connection.getMetaData().getDatabaseProductName());
    }
  }
}
