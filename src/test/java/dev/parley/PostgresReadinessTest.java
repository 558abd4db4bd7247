package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.TestNode.Reply;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The database in {@code /ready}'s detail on a real PostgreSQL of the test's own: reported up; with
 * the server stopped, {@code /ready} still answers 200 (every pod shares the database, so it must
 * not take them all out of the Service) while the detail says it is down and why; after a restart,
 * up again. Needs a server it may stop, so it runs only with the embedded PostgreSQL.
 */
@Tag(TestTags.POSTGRES)
@ExtendWith(LogCapturingExtension.class)
class PostgresReadinessTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static StoppablePostgres postgres;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        TestPostgres.isEmbedded(), "stops its own embedded server; skipped on an external one");
    postgres = StoppablePostgres.start("parley-pg-ready-");
    Map<String, Object> overrides = postgres.nodeOverrides();
    // Fresh results on every probe, so the test sees each change at once.
    overrides.put("parley.db.check.cache-for", "0s");
    node = TestNode.start(overrides);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (node != null) {
        node.stop();
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  /** Waits until /ready answers 200 with a database detail of {@code ok}; returns that detail. */
  private static JsonNode awaitDatabase(boolean ok) {
    return node.awaitAssert(
        DEADLINE,
        () -> {
          Reply ready = node.getManagement("/ready");
          assertEquals(200, ready.status(), ready.raw());
          assertEquals("ready", ready.body().path("status").asText(), ready.raw());
          JsonNode database = ready.body().path("detail").path("database");
          assertTrue(database.path("ok").isBoolean(), ready.raw());
          assertEquals(ok, database.path("ok").asBoolean(), ready.raw());
          return database;
        });
  }

  @Test
  void theDatabaseGoesDownInTheDetailButReadinessStays200() throws Exception {
    JsonNode up = awaitDatabase(true);
    assertTrue(up.path("error").isNull(), up.toString());

    postgres.stop();
    JsonNode down = awaitDatabase(false);
    assertTrue(down.path("error").isTextual(), down.toString());
    assertFalse(down.path("error").asText().isEmpty(), down.toString());
    assertTrue(down.path("since").isTextual(), down.toString());
    assertFalse(down.toString().contains("postgres:"), "no credentials: " + down);
    System.out.printf("PostgresReadinessTest: database down shows as %s%n", down);
    // Every probe during the outage is still 200.
    for (int i = 0; i < 3; i++) {
      Reply ready = node.getManagement("/ready");
      assertEquals(200, ready.status(), ready.raw());
    }

    postgres.startAgain();
    JsonNode back = awaitDatabase(true);
    assertTrue(back.path("error").isNull(), back.toString());
  }
}
