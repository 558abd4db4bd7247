package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.TestNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Turns that left the entity's in-memory window are still served, from the journal. */
class OlderTurnsTest {
  private static TestNode node;

  @BeforeAll
  static void start() {
    start(Map.of());
  }

  /** Starts the class's node with {@code database} settings (none: H2 in a temp directory). */
  static void start(Map<String, ?> database) {
    Map<String, Object> overrides = new HashMap<>(database);
    overrides.put("parley.conversation.turns-in-state", 3);
    node = TestNode.start(overrides);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static List<Long> turnIds(JsonNode conversation) {
    List<Long> ids = new ArrayList<>();
    conversation.get("turns").forEach(t -> ids.add(t.get("turnId").asLong()));
    return ids;
  }

  @Test
  void pagesReachBackPastTheWindowIntoTheJournal() {
    String path = "/api/v1/conversations/user:api:archive";
    for (int i = 1; i <= 7; i++) {
      var r =
          node.postJson(
              path + "/messages?wait=10", "{\"id\":\"m" + i + "\",\"text\":\"hello " + i + "\"}");
      assertEquals(200, r.status(), r.raw());
    }
    JsonNode newest = node.get(path + "?limit=5").body();
    assertEquals(List.of(3L, 4L, 5L, 6L, 7L), turnIds(newest));
    assertTrue(newest.get("moreBefore").asBoolean());
    assertEquals("hello 3", newest.get("turns").get(0).get("user").get(0).get("text").asText());

    JsonNode older = node.get(path + "?limit=5&before=3").body();
    assertEquals(List.of(1L, 2L), turnIds(older));
    assertFalse(older.get("moreBefore").asBoolean());

    assertEquals(List.of(2L, 3L, 4L), turnIds(node.get(path + "?limit=3&before=5").body()));
  }
}
