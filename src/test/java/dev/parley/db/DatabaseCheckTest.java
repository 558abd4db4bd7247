package dev.parley.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The database check on its own, against an in-memory H2: up with its timing, reused while fresh
 * (one query for many probes), down with the exception's class (no message), back up with a new
 * {@code since}, and a hanging database never holds a probe longer than {@code probe-wait}.
 */
class DatabaseCheckTest {
  private final ExecutorService blocking = Executors.newCachedThreadPool();
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicBoolean down = new AtomicBoolean();

  @AfterEach
  void stop() {
    blocking.shutdownNow();
  }

  private DatabaseCheck check(Duration cacheFor) {
    return new DatabaseCheck(
        () -> {
          opened.incrementAndGet();
          if (down.get()) {
            throw new SQLException("Connection refused (test)", "08001");
          }
          return DriverManager.getConnection("jdbc:h2:mem:check-" + System.identityHashCode(this));
        },
        blocking,
        new DatabaseCheck.Settings(Duration.ofSeconds(2), cacheFor, Duration.ofSeconds(5)),
        Clock.systemUTC());
  }

  private static ObjectNode detail(DatabaseCheck check) throws Exception {
    return check.detail().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void upIsReportedAndReusedWhileFresh() throws Exception {
    DatabaseCheck check = check(Duration.ofHours(1));
    ObjectNode first = detail(check);
    assertTrue(first.path("ok").asBoolean(), first.toString());
    assertTrue(first.path("error").isNull(), first.toString());
    assertTrue(first.path("checkedAt").isTextual(), first.toString());
    assertTrue(first.path("tookMillis").asLong(-1) >= 0, first.toString());
    for (int i = 0; i < 20; i++) {
      assertEquals(first, detail(check));
    }
    assertEquals(1, opened.get(), "probes within cache-for must not query again");
  }

  @Test
  void downWithTheErrorClassThenUpAgain() throws Exception {
    DatabaseCheck check = check(Duration.ZERO);
    ObjectNode up = detail(check);
    assertTrue(up.path("ok").asBoolean(), up.toString());

    down.set(true);
    ObjectNode failed = detail(check);
    assertFalse(failed.path("ok").asBoolean(true), failed.toString());
    assertEquals("SQLException", failed.path("error").asText(), failed.toString());
    assertFalse(failed.toString().contains("refused"), "no message in the detail: " + failed);
    String downSince = failed.path("since").asText();

    ObjectNode stillDown = detail(check);
    assertEquals(downSince, stillDown.path("since").asText(), "since stays while down");

    down.set(false);
    ObjectNode back = detail(check);
    assertTrue(back.path("ok").asBoolean(), back.toString());
    assertFalse(
        Instant.parse(back.path("since").asText()).isBefore(Instant.parse(downSince)),
        back.toString());
  }

  @Test
  void aHangingDatabaseHoldsNoProbeAndEndsAsATimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    DatabaseCheck check =
        new DatabaseCheck(
            () -> {
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new SQLException("gave up");
            },
            blocking,
            new DatabaseCheck.Settings(
                Duration.ofMillis(500), Duration.ZERO, Duration.ofMillis(100)),
            Clock.systemUTC());
    try {
      long asked = System.nanoTime();
      ObjectNode first = detail(check);
      long tookMillis = (System.nanoTime() - asked) / 1_000_000;
      assertTrue(first.path("ok").isNull(), "nothing known yet: " + first);
      assertTrue(first.path("checking").asBoolean(), first.toString());
      assertTrue(tookMillis < 2_000, "the probe waited " + tookMillis + " ms");

      DatabaseCheck.Result timedOut = check.check().get(10, TimeUnit.SECONDS);
      assertFalse(timedOut.ok());
      assertEquals("TimeoutException", timedOut.error());
      assertNull(timedOut.cause());
    } finally {
      release.countDown();
    }
  }
}
