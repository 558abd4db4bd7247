package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.TestNode.Reply;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A snapshot the node cannot read (as one written by a newer Parley during a rolling upgrade is for
 * a node not yet upgraded) does not stop the conversation: it replays all its events instead
 * ({@code jdbc-snapshot-store.snapshot-is-optional}), and nothing it held is lost.
 */
@ExtendWith(LogCapturingExtension.class)
class UnreadableSnapshotTest {
  private static final String KEY = "user:api:unreadable-snapshot";
  private static final int MESSAGES = 12;
  private static final Map<String, Object> SNAPSHOT_OFTEN =
      Map.of("parley.conversation.snapshot-every", 10);

  @Test
  void aConversationWhoseSnapshotCannotBeReadReplaysItsEvents() throws Exception {
    Path dataDir = TestNode.freshDataDir();
    try (TestNode node = TestNode.start(dataDir, SNAPSHOT_OFTEN, TestNode::offline)) {
      for (int i = 0; i < MESSAGES; i++) {
        Reply reply =
            node.postJson(
                "/api/v1/conversations/" + KEY + "/messages?wait=10",
                "{\"id\":\"s-" + i + "\",\"text\":\"message " + i + "\"}");
        assertEquals(200, reply.status(), reply.raw());
      }
      try (Connection db = node.openDatabase();
          Statement sql = db.createStatement()) {
        node.awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              var rows =
                  sql.executeQuery(
                      "SELECT COUNT(*) FROM \"snapshot\""
                          + " WHERE \"persistence_id\" LIKE '%unreadable-snapshot%'");
              rows.next();
              assertTrue(rows.getInt(1) > 0, "a snapshot was taken");
              return null;
            });
      }
    }
    try (TestNode offline = TestNode.start(dataDir, SNAPSHOT_OFTEN, TestNode::offline)) {
      try (Connection db = offline.openDatabase();
          Statement sql = db.createStatement()) {
        // Not CBOR at all: what the snapshot store reads can no longer be deserialized.
        assertTrue(
            sql.executeUpdate(
                    "UPDATE \"snapshot\" SET \"snapshot_payload\" = X'ff00ff'"
                        + " WHERE \"persistence_id\" LIKE '%unreadable-snapshot%'")
                > 0);
      }
    }
    try (TestNode again = TestNode.start(dataDir, SNAPSHOT_OFTEN, TestNode::offline)) {
      Reply read = again.get("/api/v1/conversations/" + KEY);
      assertEquals(200, read.status(), read.raw());
      assertEquals(MESSAGES, read.body().get("turns").size(), read.raw());
      Reply next =
          again.postJson(
              "/api/v1/conversations/" + KEY + "/messages?wait=10",
              "{\"id\":\"s-after\",\"text\":\"still here?\"}");
      assertEquals(200, next.status(), next.raw());
      Reply repeat =
          again.postJson(
              "/api/v1/conversations/" + KEY + "/messages",
              "{\"id\":\"s-0\",\"text\":\"message 0\"}");
      assertEquals(202, repeat.status(), repeat.raw());
      assertEquals(
          "duplicate", repeat.body().get("status").asText(), "still known: " + repeat.raw());
    }
  }
}
