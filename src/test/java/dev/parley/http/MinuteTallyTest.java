package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A flood of events writes one line at once and then at most one a minute, with the counts. */
class MinuteTallyTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<String> lines = new ArrayList<>();
  private final MinuteTally tally = new MinuteTally("refused", lines::add, now::get);

  @Test
  void theFirstEventWritesALineAndAFloodWritesNoMoreWithinAMinute() {
    tally.add("bad-signature");
    for (int i = 0; i < 1000; i++) {
      now.addAndGet(50_000_000L); // 50 ms: 1000 events in 50 s
      tally.add(i % 10 == 0 ? "too-large" : "bad-signature");
    }
    assertEquals(
        List.of(
            "refused: 1 since the last such line (bad-signature 1); at most one such line a minute"),
        lines);
  }

  @Test
  void aMinuteLaterTheNextEventWritesTheSumSinceTheLastLine() {
    tally.add("busy");
    for (int i = 0; i < 9; i++) {
      tally.add(i < 3 ? "too-large" : "bad-signature");
    }
    now.addAndGet(MinuteTally.EVERY.toNanos());
    tally.add("bad-signature");
    assertEquals(2, lines.size());
    assertEquals(
        "refused: 10 since the last such line (bad-signature 7, too-large 3); at most one such"
            + " line a minute",
        lines.get(1));
    now.addAndGet(MinuteTally.EVERY.toNanos() - 1);
    tally.add("busy");
    assertEquals(2, lines.size());
  }
}
