package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.TestNode.Reply;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
  private static Path dataDir;
  private static int pgPort;
  private static EmbeddedPostgres postgres;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        TestPostgres.isEmbedded(), "stops its own embedded server; skipped on an external one");
    dataDir = Files.createTempDirectory("parley-pg-ready-");
    pgPort = FreePorts.pick();
    postgres = startPostgres();
    Map<String, Object> overrides =
        new HashMap<>(
            new TestPostgres.Database(
                    "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "postgres", "")
                .nodeOverrides(FreePorts.pick()));
    // Fresh results on every probe, so the test sees each change at once.
    overrides.put("parley.db.check.cache-for", "0s");
    node = TestNode.start(overrides);
  }

  private static EmbeddedPostgres startPostgres() {
    return TestPostgres.startOwnServer(
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setPort(pgPort));
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

    postgres.close();
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

    postgres = startPostgres();
    JsonNode back = awaitDatabase(true);
    assertTrue(back.path("error").isNull(), back.toString());
  }
}
