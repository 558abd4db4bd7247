package dev.parley.conversation;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.parley.CborSerializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The conversation's dedupe memory, oldest first: each recently received message id with when it
 * came and, once known, how it ended. Bounded by {@link DedupeLimits}; an id whose outcome is still
 * open (waiting in the inbox) is never forgotten.
 *
 * <p>Snapshots hold it by columns ({@link RecentMessagesJson}).
 */
@JsonSerialize(using = RecentMessagesJson.Writer.class)
@JsonDeserialize(using = RecentMessagesJson.Reader.class)
public record RecentMessages(List<Entry> entries) implements CborSerializable {

  /** One remembered id. {@code outcome} is null while open; {@code notice} for failures. */
  public record Entry(String messageId, Instant at, Outcome outcome, long turnId, String notice)
      implements CborSerializable {}

  public RecentMessages {
    entries = List.copyOf(entries);
  }

  public static RecentMessages empty() {
    return new RecentMessages(List.of());
  }

  /** The latest entry for {@code messageId}, if it is still remembered. */
  public Optional<Entry> find(String messageId) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      if (entries.get(i).messageId().equals(messageId)) {
        return Optional.of(entries.get(i));
      }
    }
    return Optional.empty();
  }

  /** Adds an id and forgets the oldest settled ids past the limits, measured at {@code now}. */
  public RecentMessages add(String messageId, Instant now, DedupeLimits limits) {
    List<Entry> next = new ArrayList<>(entries.size() + 1);
    next.addAll(entries);
    next.add(new Entry(messageId, now, null, 0, null));
    Instant horizon = now.minus(limits.keepFor());
    int drop = 0;
    while (drop < next.size()) {
      Entry oldest = next.get(drop);
      int remaining = next.size() - drop;
      boolean overMax = remaining > limits.max();
      boolean overCountAndOld = remaining > limits.keepLast() && oldest.at().isBefore(horizon);
      if (oldest.outcome() == null || !(overMax || overCountAndOld)) {
        break;
      }
      drop++;
    }
    return new RecentMessages(next.subList(drop, next.size()));
  }

  /** Records how the given messages ended. */
  RecentMessages resolve(List<String> ids, Outcome outcome, long turnId, String notice) {
    List<Entry> next = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      next.add(
          ids.contains(e.messageId()) && e.outcome() == null
              ? new Entry(e.messageId(), e.at(), outcome, turnId, notice)
              : e);
    }
    return new RecentMessages(next);
  }
}
