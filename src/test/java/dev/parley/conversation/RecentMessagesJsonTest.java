package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.conversation.RecentMessages.Entry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dedupe memory in snapshots: by columns, read back exactly (to the nanosecond), smaller than
 * one object per id, and snapshots written before (one object per id) still read.
 */
class RecentMessagesJsonTest {
  private static final Instant AT = Instant.parse("2026-12-04T22:30:00.123456789Z");
  private static final List<Entry> ENTRIES =
      List.of(
          new Entry("tg:4242:17", AT, Outcome.COMPLETED, 3, null),
          new Entry(
              "wamid.HBgLMzQ2MDEyMzQ1NjcVAgASGBQzQTdGNjE4",
              AT.plusSeconds(1),
              Outcome.FAILED,
              4,
              "Sorry, ünïcode 🙂"),
          new Entry("api-1", AT.plusSeconds(2), Outcome.REJECTED, 0, "Too many pending messages."),
          new Entry("api-2", AT.plusSeconds(3), null, 0, null));
  private static ActorTestKit testKit;
  private static Serialization serialization;
  private static ObjectMapper cbor;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(EntityFixture.config(""));
    serialization = SerializationExtension.get(testKit.system());
    cbor =
        JacksonObjectMapperProvider.get(testKit.system())
            .getOrCreate("jackson-cbor", Optional.empty());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aStateWithItsDedupeMemoryReadsBackExactly() {
    ConversationState state =
        new ConversationState(
            List.of(), null, List.of(), new RecentMessages(ENTRIES), 5, List.of(), List.of(), null);
    byte[] bytes = serialization.serialize(state).get();
    assertEquals(state, serialization.deserialize(bytes, ConversationState.class).get());
  }

  @Test
  void aStateWithMemoryReadsBackAndASnapshotFromBeforeMemoryReadsAsEmptyAndNeverCleared()
      throws Exception {
    ConversationState state =
        ConversationState.empty()
            .withMemory(List.of("Ann likes tea", "meet on Friday"))
            .withClearedBefore(4);
    byte[] bytes = serialization.serialize(state).get();
    assertEquals(state, serialization.deserialize(bytes, ConversationState.class).get());

    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) cbor.readTree(bytes);
    tree.remove("memory");
    tree.remove("clearedBefore");
    ConversationState old =
        serialization.deserialize(cbor.writeValueAsBytes(tree), ConversationState.class).get();
    assertEquals(List.of(), old.memory());
    assertEquals(ConversationState.empty(), old);
  }

  @Test
  void columnsAreSmallerThanOneObjectPerId() throws Exception {
    DedupeLimits limits = new DedupeLimits(1000, Duration.ofDays(7), 1000);
    RecentMessages recent = RecentMessages.empty();
    for (int i = 0; i < 1000; i++) {
      recent = recent.add("tg:4242:" + i, AT.plusSeconds(i), limits);
    }
    recent =
        recent.resolve(
            recent.entries().stream().map(Entry::messageId).toList(), Outcome.COMPLETED, 1, null);
    byte[] columns = cbor.writeValueAsBytes(recent);
    byte[] objects = cbor.writeValueAsBytes(Map.of("entries", recent.entries()));
    assertTrue(
        columns.length * 2 < objects.length, columns.length + " bytes against " + objects.length);
    assertEquals(recent, cbor.readValue(columns, RecentMessages.class));
    assertFalse(new String(columns, StandardCharsets.ISO_8859_1).contains("messageId"));
  }

  @Test
  void snapshotsWrittenWithOneObjectPerIdStillRead() throws Exception {
    byte[] before = cbor.writeValueAsBytes(Map.of("entries", ENTRIES));
    assertTrue(new String(before, StandardCharsets.ISO_8859_1).contains("messageId"));
    assertEquals(new RecentMessages(ENTRIES), cbor.readValue(before, RecentMessages.class));
  }

  @Test
  void outcomesAndDeliveryStatesAreStoredAsTheirLabels() throws Exception {
    Turn turn =
        new Turn(3, List.of(), List.of(), "Hello!", AT, Turn.Delivery.PENDING, List.of(), null);
    ConversationState state =
        ConversationState.empty().withRecent(new RecentMessages(ENTRIES)).withTurns(List.of(turn));
    byte[] bytes = serialization.serialize(state).get();
    assertEquals(state, serialization.deserialize(bytes, ConversationState.class).get());
    var tree = cbor.readTree(bytes);
    assertEquals(
        "[\"completed\",\"failed\",\"rejected\",null]",
        tree.path("recent").path("outcomes").toString());
    assertEquals("pending", tree.path("turns").path(0).path("delivery").asText());
  }

  @Test
  void unevenColumnsAreRefusedNotGuessed() throws Exception {
    byte[] uneven =
        cbor.writeValueAsBytes(
            Map.of(
                "ids", List.of("a", "b"),
                "atEpochNanos", List.of(1L),
                "outcomes", List.of("completed", "completed"),
                "turnIds", List.of(1L, 2L),
                "notices", Arrays.asList(null, null)));
    assertThrows(Exception.class, () -> cbor.readValue(uneven, RecentMessages.class));
  }
}
