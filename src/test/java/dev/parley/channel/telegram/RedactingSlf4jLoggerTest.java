package dev.parley.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import com.typesafe.config.ConfigFactory;
import dev.parley.DoublesKit;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * pekko-http's client pool logs the request line, bot token included, when a response entity is not
 * read within response-entity-subscription-timeout (a busy node gets there). The test forces that
 * warning with a request whose entity it leaves unread (the timeout lowered to 300 ms), with the
 * pool's logger at DEBUG so that every line the pool can write is seen, and reads what reached
 * logback.
 */
@ExtendWith(LogCapturingExtension.class)
class RedactingSlf4jLoggerTest {
  private static final String SECRET = "AAH-not-a-real_secret-0123456789";
  private static final String TOKEN = "123456789:" + SECRET;
  private static final String POOL_LOGGER = "org.apache.pekko.http.impl.engine.client.PoolId";
  private static ActorTestKit kit;
  private static TelegramBotApiDouble telegram;

  @BeforeAll
  static void start() {
    kit =
        ActorTestKit.create(
            "RedactingSlf4jLoggerTest",
            ConfigFactory.parseString(
                    "pekko.actor.provider = local\n"
                        + "pekko.loglevel = DEBUG\n"
                        + "pekko.http.host-connection-pool.response-entity-subscription-timeout"
                        + " = 300ms")
                .withFallback(ConfigFactory.load()));
    telegram = TelegramBotApiDouble.start(kit.system(), TOKEN).chunked();
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, telegram);
  }

  /** Every event logback gets while it is attached, as the appenders would write it. */
  private static final class Lines extends AppenderBase<ILoggingEvent> {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      StringBuilder line = new StringBuilder(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
      }
      lines.add(line.toString());
    }
  }

  @Test
  void thePoolsWarningAboutAnUnreadResponseShowsNoBotToken() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger pool = (Logger) LoggerFactory.getLogger(POOL_LOGGER);
    Level before = pool.getLevel();
    Lines seen = new Lines();
    seen.start();
    root.addAppender(seen);
    pool.setLevel(Level.DEBUG);
    try {
      HttpResponse unread =
          Http.get(kit.system())
              .singleRequest(
                  HttpRequest.POST(telegram.url() + "/bot" + TOKEN + "/getMe")
                      .withEntity(ContentTypes.APPLICATION_JSON, "{}"))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertEquals(200, unread.status().intValue());
      // The entity is left unread: after 300 ms the pool warns and fails the connection.
      String warning =
          kit.createTestProbe()
              .awaitAssert(
                  Duration.ofSeconds(10),
                  () ->
                      seen.lines.stream()
                          .filter(l -> l.contains("Response entity was not subscribed"))
                          .findFirst()
                          .orElseThrow());
      unread.discardEntityBytes(kit.system());
      assertTrue(warning.contains("/bot<redacted>/getMe"), warning);
      // A marker after the warning: once logback has it, every earlier line has arrived too.
      kit.system().classicSystem().log().warning("redaction test marker");
      kit.createTestProbe()
          .awaitAssert(
              Duration.ofSeconds(10),
              () ->
                  seen.lines.stream()
                      .filter(l -> l.contains("test marker"))
                      .findFirst()
                      .orElseThrow());
      for (String line : seen.lines) {
        assertFalse(line.contains(SECRET), line);
      }
    } finally {
      root.detachAppender(seen);
      pool.setLevel(before);
    }
  }
}
