package dev.parley.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.ReplyDelivered;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import dev.parley.conversation.ConversationState;
import dev.parley.conversation.DedupeLimits;
import dev.parley.conversation.ReplyAddress;
import dev.parley.conversation.UserLine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * {@code --mode state}: what one conversation's state costs as it grows, in this JVM, no node: the
 * time to apply one event (a message accepted, its turn started and completed, the reply delivered,
 * as the entity does on every event and again on recovery) and the size of a snapshot (the state
 * through the same CBOR serializer the snapshot store gets), for a conversation remembering 100,
 * 1,000 and 10,000 message ids, with the default window of 100 completed turns.
 */
final class StateCost {
  private static final int[] REMEMBERED = {100, 1_000, 10_000};
  private static final int TURNS_IN_STATE = 100;
  private static final int MEASURED_MESSAGES = 20_000;
  private static final int EVENTS_PER_MESSAGE = 4;
  private static final String TEXT = "What is the weather like in Lisbon tomorrow afternoon?";
  private static final String REPLY =
      "Tomorrow afternoon in Lisbon: sunny, 19 °C, light wind. ".repeat(5);
  private static final ReplyAddress ADDRESS = new ReplyAddress("4242", null, null, "4242");

  record Row(int remembered, double nanosPerEvent, int snapshotBytes, double readMillis) {}

  /** Reads of each snapshot timed after as many unmeasured ones. */
  private static final int READS = 20;

  private StateCost() {}

  static List<Row> run(ActorSystem<?> system) throws Exception {
    List<Row> rows = new ArrayList<>();
    Serialization serialization = SerializationExtension.get(system);
    for (int remembered : REMEMBERED) {
      DedupeLimits limits = new DedupeLimits(remembered, Duration.ofDays(7), remembered);
      Instant start = Instant.parse("2026-12-01T00:00:00Z");
      ConversationState state = ConversationState.empty();
      long n = 0;
      // Fill the dedupe memory (and the turn window), then measure: twice, the first time warm-up.
      for (; n < remembered; n++) {
        state = cycle(state, n, start, limits);
      }
      for (int round = 0; round < 2; round++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < MEASURED_MESSAGES; i++, n++) {
          state = cycle(state, n, start, limits);
        }
        long took = System.nanoTime() - t0;
        if (round == 1) {
          byte[] bytes = serialization.serialize(state).get();
          rows.add(
              new Row(
                  state.recent().entries().size(),
                  (double) took / (MEASURED_MESSAGES * EVENTS_PER_MESSAGE),
                  bytes.length,
                  readMillis(serialization, bytes)));
        }
      }
    }
    return rows;
  }

  /** How long reading the snapshot back takes, as a recovery does, in ms (mean of warm reads). */
  private static double readMillis(Serialization serialization, byte[] bytes) {
    double took = 0;
    for (int i = 0; i < 2 * READS; i++) {
      long t0 = System.nanoTime();
      serialization.deserialize(bytes, ConversationState.class).get();
      if (i >= READS) {
        took += System.nanoTime() - t0;
      }
    }
    return took / READS / 1e6;
  }

  /** One message's life: accepted, its turn started and completed, the reply delivered. */
  private static ConversationState cycle(
      ConversationState state, long n, Instant start, DedupeLimits limits) {
    Instant at = start.plusSeconds(n);
    String id = "m-" + n;
    ConversationState next =
        state.accepted(new MessageAccepted(id, TEXT, "4242", at, ADDRESS), limits);
    long turnId = next.nextTurnId();
    next = next.started(new TurnStarted(turnId, List.of(id), 1, at));
    next =
        next.completed(
            new TurnCompleted(
                turnId, List.of(new UserLine(id, TEXT, "4242", ADDRESS)), List.of(), REPLY, at),
            TURNS_IN_STATE,
            true);
    String replyId = next.outbox().get(next.outbox().size() - 1).replyId();
    return next.delivered(new ReplyDelivered(replyId, List.of("tg-" + n), at));
  }

  static String table(List<Row> rows, int snapshotEvery) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Parley benchmark: one conversation's state (%d completed turns kept), per event%n",
            TURNS_IN_STATE));
    for (Row r : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %,6d ids       %,8.0f ns per event; snapshot %,d bytes (%,.0f bytes per"
                  + " message at one snapshot every %d events), read in %.1f ms%n",
              r.remembered(),
              r.nanosPerEvent(),
              r.snapshotBytes(),
              (double) r.snapshotBytes() * EVENTS_PER_MESSAGE / snapshotEvery,
              snapshotEvery,
              r.readMillis()));
    }
    return out.toString();
  }

  static void writeJson(List<Row> rows, Machine machine, Path file) throws IOException {
    ObjectNode root = ReportJson.MAPPER.createObjectNode();
    root.put("mode", "state");
    root.put("machine", machine.toString());
    root.put("turnsInState", TURNS_IN_STATE);
    ArrayNode all = root.putArray("rows");
    for (Row r : rows) {
      ObjectNode row = all.addObject();
      row.put("rememberedIds", r.remembered());
      row.put("nanosPerEvent", r.nanosPerEvent());
      row.put("snapshotBytes", r.snapshotBytes());
      row.put("snapshotReadMillis", r.readMillis());
    }
    ReportJson.MAPPER.writeValue(file.toFile(), root);
  }
}
