package dev.parley.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.parley.ModelServerDouble;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** parley.llm.fallbacks against two real HTTP model doubles. */
class FallbackModelClientTest {
  private static ActorTestKit testKit;
  private ModelServerDouble primary;
  private ModelServerDouble fallback;

  @BeforeAll
  static void startTestKit() {
    testKit =
        ActorTestKit.create(
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void startServers() {
    primary = ModelServerDouble.scripted(testKit.system());
    fallback = ModelServerDouble.scripted(testKit.system());
  }

  @AfterEach
  void stopServers() {
    primary.close();
    fallback.close();
  }

  private LlmSettings settings(String extra) {
    return LlmSettings.from(
            ConfigFactory.parseString(
                    "parley.llm {\n provider = openai\n base-url = \""
                        + primary.baseUrl()
                        + "\"\n model = primary-model\n retry-backoff = 20ms\n max-retries = 1\n"
                        + " outage-wait = 30s\n fallbacks = [{ base-url = \""
                        + fallback.baseUrl()
                        + "\", api-key = fallback-key, model = fallback-model }]\n"
                        + extra
                        + "\n}")
                .withFallback(ConfigFactory.load()))
        .validate();
  }

  private static ChatResponse ask(ModelClient client) throws Exception {
    return client
        .complete(new ChatRequest(List.of(ChatMessage.user("hello", null)), List.of()))
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  @Test
  void theFirstModelAnswersWhenItCanAndSaysSo() throws Exception {
    primary.enqueueText("from the primary");
    ChatResponse answer = ask(FallbackModelClient.create(testKit.system(), settings("")));
    assertEquals("from the primary", answer.content());
    assertEquals("primary-model", answer.model());
    assertEquals(0, fallback.requests().size());
  }

  @Test
  void aFailedFirstModelHandsTheCallOnAtOnceWithoutWaitingOutItsOutage() throws Exception {
    primary.fail(503);
    fallback.enqueueText("from the fallback");
    long started = System.nanoTime();

    ChatResponse answer = ask(FallbackModelClient.create(testKit.system(), settings("")));

    assertEquals("from the fallback", answer.content());
    assertEquals("fallback-model", answer.model());
    assertEquals(2, primary.requestCount(), "the primary had its quick retries, no more");
    assertEquals("Bearer fallback-key", fallback.requests().get(0).authorization().orElseThrow());
    assertEquals("fallback-model", fallback.requests().get(0).body().path("model").asText());
    // outage-wait is 30 s: only the first model's quick retries came before the fallback.
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(15));
  }

  @Test
  void whenEveryModelFailsTheLastOnesFailureIsTheCalls() {
    primary.fail(500);
    fallback.fail(401);
    var e =
        assertThrows(
            ExecutionException.class,
            () -> ask(FallbackModelClient.create(testKit.system(), settings(""))));
    assertEquals("http-401", ((ModelException) e.getCause()).code());
  }

  @Test
  void fallbacksAreCheckedAtStartUp() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LlmSettings.from(
                        ConfigFactory.parseString(
                                "parley.llm { provider = openai, base-url = \"http://x/v1\","
                                    + " fallbacks = [{ base-url = \"ftp://y\", model = m }] }")
                            .withFallback(ConfigFactory.load()))
                    .validate());
    assertTrue(e.getMessage().startsWith("parley.llm.fallbacks[0]"), e.getMessage());
    assertTrue(
        LlmSettings.from(
                    ConfigFactory.parseString(
                            "parley.llm { provider = openai, base-url = \"http://x/v1\", api-key ="
                                + " secret-1, fallbacks = [{ base-url = \"http://y/v1\", api-key ="
                                + " secret-2, model = m }] }")
                        .withFallback(ConfigFactory.load()))
                .toString()
                .indexOf("secret")
            < 0,
        "keys never in toString");
  }
}
