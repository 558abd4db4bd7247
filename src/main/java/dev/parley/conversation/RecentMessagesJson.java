package dev.parley.conversation;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.parley.conversation.RecentMessages.Entry;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the dedupe memory is stored in snapshots: by columns ({@code ids}, {@code atEpochNanos},
 * {@code outcomes}, {@code turnIds}, {@code notices}, one array each, in the same order; instants
 * as nanoseconds since the epoch, exact until the year 2262) instead of one object per id. A busy
 * conversation remembers up to 10,000 ids; as objects (five field names and an ISO-8601 instant
 * each) they made a snapshot of 856 KB that took 200 ms to read in a running node, most of it
 * parsing the instants. Snapshots written before this form ({@code {"entries": [...]}}) still read.
 */
final class RecentMessagesJson {
  private static final String IDS = "ids";
  private static final String AT_NANOS = "atEpochNanos";
  private static final String OUTCOMES = "outcomes";
  private static final String TURN_IDS = "turnIds";
  private static final String NOTICES = "notices";
  private static final String ENTRIES = "entries";

  private RecentMessagesJson() {}

  private static long epochNanos(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
  }

  static final class Writer extends JsonSerializer<RecentMessages> {
    @Override
    public void serialize(RecentMessages value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      List<Entry> entries = value.entries();
      gen.writeStartObject();
      gen.writeArrayFieldStart(IDS);
      for (Entry e : entries) {
        gen.writeString(e.messageId());
      }
      gen.writeEndArray();
      gen.writeArrayFieldStart(AT_NANOS);
      for (Entry e : entries) {
        gen.writeNumber(epochNanos(e.at()));
      }
      gen.writeEndArray();
      gen.writeArrayFieldStart(OUTCOMES);
      for (Entry e : entries) {
        gen.writeString(e.outcome() == null ? null : e.outcome().label());
      }
      gen.writeEndArray();
      gen.writeArrayFieldStart(TURN_IDS);
      for (Entry e : entries) {
        gen.writeNumber(e.turnId());
      }
      gen.writeEndArray();
      gen.writeArrayFieldStart(NOTICES);
      for (Entry e : entries) {
        gen.writeString(e.notice());
      }
      gen.writeEndArray();
      gen.writeEndObject();
    }
  }

  static final class Reader extends JsonDeserializer<RecentMessages> {
    @Override
    public RecentMessages deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      if (!p.isExpectedStartObjectToken()) {
        return (RecentMessages) ctxt.handleUnexpectedToken(RecentMessages.class, p);
      }
      List<String> ids = null;
      List<String> outcomes = null;
      List<String> notices = null;
      long[] atNanos = null;
      long[] turnIds = null;
      List<Entry> entries = null;
      for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
        p.nextToken();
        switch (field) {
          case IDS -> ids = strings(p, ctxt);
          case OUTCOMES -> outcomes = strings(p, ctxt);
          case NOTICES -> notices = strings(p, ctxt);
          case AT_NANOS -> atNanos = longs(p, ctxt);
          case TURN_IDS -> turnIds = longs(p, ctxt);
          case ENTRIES -> {
            JavaType type = ctxt.getTypeFactory().constructCollectionType(List.class, Entry.class);
            entries = ctxt.readValue(p, type);
          }
          default -> p.skipChildren();
        }
      }
      if (entries != null) {
        return new RecentMessages(entries);
      }
      if (ids == null
          || atNanos == null
          || outcomes == null
          || turnIds == null
          || notices == null
          || atNanos.length != ids.size()
          || outcomes.size() != ids.size()
          || turnIds.length != ids.size()
          || notices.size() != ids.size()) {
        throw MismatchedInputException.from(
            p, RecentMessages.class, "the dedupe memory's columns are missing or uneven");
      }
      List<Entry> rebuilt = new ArrayList<>(ids.size());
      for (int i = 0; i < ids.size(); i++) {
        rebuilt.add(
            new Entry(
                ids.get(i),
                Instant.ofEpochSecond(0, atNanos[i]),
                outcomes.get(i) == null ? null : Outcome.of(outcomes.get(i)),
                turnIds[i],
                notices.get(i)));
      }
      return new RecentMessages(rebuilt);
    }

    private static List<String> strings(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      expectArray(p, ctxt);
      List<String> out = new ArrayList<>();
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        if (t == JsonToken.VALUE_NULL) {
          out.add(null);
        } else if (t == JsonToken.VALUE_STRING) {
          out.add(p.getText());
        } else {
          ctxt.handleUnexpectedToken(String.class, p);
        }
      }
      return out;
    }

    private static long[] longs(JsonParser p, DeserializationContext ctxt) throws IOException {
      expectArray(p, ctxt);
      long[] out = new long[16];
      int n = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        if (t != JsonToken.VALUE_NUMBER_INT) {
          ctxt.handleUnexpectedToken(Long.class, p);
        }
        if (n == out.length) {
          out = Arrays.copyOf(out, n * 2);
        }
        out[n++] = p.getLongValue();
      }
      return Arrays.copyOf(out, n);
    }

    private static void expectArray(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        ctxt.handleUnexpectedToken(List.class, p);
      }
    }
  }
}
