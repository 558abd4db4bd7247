package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The messages a cluster test had acknowledged, per conversation in the order they were sent (each
 * conversation's messages are sent one after another, so that order is the order the conversation
 * must answer them in), and the checks against what the conversations recorded: each acknowledged
 * message in exactly one completed turn, in send order, answered by the echo model.
 */
final class SentLog {
  /** One message: its conversation, id and text (texts are unique, so echoes identify them). */
  record Sent(String key, String id, String text) {}

  private final Map<String, List<Sent>> acknowledged = new LinkedHashMap<>();

  synchronized void acknowledged(Sent sent) {
    acknowledged.computeIfAbsent(sent.key(), key -> new ArrayList<>()).add(sent);
  }

  synchronized Set<String> keys() {
    return Set.copyOf(acknowledged.keySet());
  }

  synchronized List<Sent> of(String key) {
    return List.copyOf(acknowledged.getOrDefault(key, List.of()));
  }

  synchronized int size() {
    return acknowledged.values().stream().mapToInt(List::size).sum();
  }

  /** Every acknowledged message is in a turn and no conversation has work left. */
  synchronized boolean allRecorded(Map<String, JsonNode> conversations) {
    return missing(conversations).isEmpty();
  }

  /** Per conversation what is not settled yet; empty when all is. */
  synchronized Map<String, String> missing(Map<String, JsonNode> conversations) {
    Map<String, String> missing = new TreeMap<>();
    for (var entry : acknowledged.entrySet()) {
      JsonNode conversation = conversations.get(entry.getKey());
      Set<String> recorded = new HashSet<>(recordedIds(conversation));
      List<String> absent =
          entry.getValue().stream().map(Sent::id).filter(id -> !recorded.contains(id)).toList();
      int inbox = conversation.path("inbox").asInt();
      String state = conversation.path("state").asText();
      if (!absent.isEmpty() || inbox != 0 || !state.equals("idle")) {
        missing.put(entry.getKey(), "state " + state + ", inbox " + inbox + ", no turn: " + absent);
      }
    }
    return missing;
  }

  /**
   * The ids in each conversation's turns are exactly its acknowledged ids in send order (so none is
   * lost, none duplicated, none reordered), and each turn's reply echoes its own messages.
   */
  synchronized void assertExactlyOnceInOrder(Map<String, JsonNode> conversations) {
    for (var entry : acknowledged.entrySet()) {
      String key = entry.getKey();
      JsonNode conversation = conversations.get(key);
      List<String> sentIds = entry.getValue().stream().map(Sent::id).toList();
      assertEquals(sentIds, recordedIds(conversation), key + ": message ids of its turns in order");
      Map<String, String> texts = new LinkedHashMap<>();
      entry.getValue().forEach(sent -> texts.put(sent.id(), sent.text()));
      for (JsonNode turn : conversation.path("turns")) {
        JsonNode user = turn.path("user");
        String reply = turn.path("reply").path("text").asText();
        for (JsonNode line : user) {
          String text = texts.get(line.path("id").asText());
          assertEquals(text, line.path("text").asText(), key + ": text of " + line);
          if (user.size() == 1) {
            assertEquals(ModelServerDouble.ECHO_PREFIX + text, reply, key + ": reply to " + line);
          } else {
            assertTrue(reply.contains(text), key + ": reply " + reply + " misses " + text);
          }
        }
      }
    }
  }

  /** The message ids of a conversation's completed turns, oldest turn first. */
  static List<String> recordedIds(JsonNode conversation) {
    List<String> ids = new ArrayList<>();
    conversation
        .path("turns")
        .forEach(turn -> turn.path("messageIds").forEach(id -> ids.add(id.asText())));
    return ids;
  }
}
