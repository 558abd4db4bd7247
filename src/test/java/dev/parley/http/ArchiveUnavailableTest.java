package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.TestNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A page that reaches back past the entity's window while the journal cannot be read is a 503 with
 * {@code Retry-After}, like every other "not now" of the chat API, not a 500.
 */
class ArchiveUnavailableTest {
  private static TestNode node;

  @BeforeAll
  static void start() {
    node =
        TestNode.start(
            Map.of(
                "parley.conversation.turns-in-state",
                1,
                "jdbc-read-journal.class",
                FailingReadJournal.class.getName()));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aFailedArchiveReadIs503WithAJsonError() {
    String path = "/api/v1/conversations/user:api:archive-down";
    for (int i = 1; i <= 2; i++) {
      var r =
          node.postJson(
              path + "/messages?wait=10", "{\"id\":\"m" + i + "\",\"text\":\"hello " + i + "\"}");
      assertEquals(200, r.status(), r.raw());
    }
    var newest = node.get(path + "?limit=1");
    assertEquals(200, newest.status(), "the window alone needs no archive: " + newest.raw());

    var older = node.get(path + "?limit=5");
    assertEquals(503, older.status(), older.raw());
    assertEquals("history-unavailable", older.body().path("error").asText(), older.raw());
    assertEquals("1", older.header("Retry-After"));
  }
}
