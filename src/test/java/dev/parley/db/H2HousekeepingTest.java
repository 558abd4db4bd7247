package dev.parley.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.TestTags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * H2's file stays near its live data while the node runs. Without the housekeeping rounds H2 (with
 * {@code WRITE_DELAY=0}) frees a chunk only once none of its pages is live, and the file grew by
 * ~15-30 KB per message until the database closed: these messages made it 40+ MB.
 */
@Tag(TestTags.SLOW)
@ExtendWith(LogCapturingExtension.class)
class H2HousekeepingTest {
  private static final int MESSAGES = 2_000;

  /** Live data is well under 2 KB a message; what was written in the last second comes on top. */
  private static final long BOUND = MESSAGES * 2_048L + (8L << 20);

  @Test
  void theFileStaysNearItsLiveDataWhileTheNodeRuns() {
    try (TestNode node = TestNode.start(Map.of())) {
      for (int i = 0; i < MESSAGES; i++) {
        Reply reply =
            node.postJson(
                "/api/v1/conversations/user:api:h2-" + (i % 200) + "/messages",
                "{\"id\":\"m-" + i + "\",\"text\":\"message number " + i + "\"}");
        assertEquals(202, reply.status(), reply.raw());
      }
      Path file = node.dataDir().resolve("parley.mv.db");
      node.awaitAssert(
          Duration.ofSeconds(30),
          () -> {
            long size = size(file);
            assertTrue(size < BOUND, size + " bytes after " + MESSAGES + " messages");
            return size;
          });
      // Nothing was lost on the way: every conversation answers all its ten messages.
      node.awaitAssert(
          Duration.ofSeconds(30),
          () -> {
            Reply last = node.get("/api/v1/conversations/user:api:h2-199");
            assertEquals(MESSAGES / 200, last.body().get("turns").size(), last.raw());
            return last;
          });
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
