package dev.parley.http;

import dev.parley.FreePorts;
import dev.parley.TestPostgres;
import dev.parley.TestTags;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link OlderTurnsTest} on PostgreSQL: pages past the in-memory window come from its journal. */
@Tag(TestTags.POSTGRES)
class PostgresOlderTurnsTest extends OlderTurnsTest {
  // Hides OlderTurnsTest.start(), so JUnit runs only this one.
  @BeforeAll
  static void start() {
    start(TestPostgres.freshDatabase("olderturns").nodeOverrides(FreePorts.pick()));
  }
}
