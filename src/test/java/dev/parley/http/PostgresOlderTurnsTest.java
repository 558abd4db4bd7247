package dev.parley.http;

import dev.parley.FreePorts;
import dev.parley.TestPostgres;
import org.junit.jupiter.api.BeforeAll;

/** {@link OlderTurnsTest} on PostgreSQL: pages past the in-memory window come from its journal. */
class PostgresOlderTurnsTest extends OlderTurnsTest {
  // Hides OlderTurnsTest.start(), so JUnit runs only this one.
  @BeforeAll
  static void start() {
    start(TestPostgres.freshDatabase("olderturns").nodeOverrides(FreePorts.pick()));
  }
}
