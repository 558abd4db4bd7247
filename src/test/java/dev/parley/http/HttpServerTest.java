package dev.parley.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.parley.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The listener's last line of defence: whatever way a route fails (an exception or an Error such as
 * a StackOverflowError, thrown at once or inside a future, or no answer at all), the request is
 * answered promptly in the JSON error shape and logged once, without its body.
 */
@ExtendWith(LogCapturingExtension.class)
class HttpServerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static ActorTestKit kit;
  private static ServerBinding binding;
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    Config config =
        ConfigFactory.parseString(
                "pekko.actor.provider = local\n"
                    + "parley.http.port = 0\n"
                    + "parley.http.interface = \"127.0.0.1\"\n"
                    + "parley.http.max-wait = 1s\n"
                    + "pekko.http.server.request-timeout = 7s\n")
            .withFallback(ConfigFactory.load());
    kit = ActorTestKit.create("HttpServerTest", config);
    binding =
        HttpServer.start(kit.system(), HttpSettings.from(config), failingRoutes())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static int overflow(int x) {
    throw new StackOverflowError();
  }

  private static Route failingRoutes() {
    return concat(
        path("ok", () -> complete("fine")),
        path(
            "exception",
            () ->
                completeWithFuture(
                    CompletableFuture.failedFuture(new IllegalStateException("secret text")))),
        path(
            "error",
            () -> completeWithFuture(CompletableFuture.failedFuture(new StackOverflowError()))),
        path(
            "error-in-stage",
            () ->
                completeWithFuture(
                    CompletableFuture.completedFuture(1)
                        .thenApply(HttpServerTest::overflow)
                        .thenApply(
                            x -> org.apache.pekko.http.javadsl.model.HttpResponse.create()))),
        path(
            "thrown",
            () ->
                extractRequest(
                    request -> {
                      throw new StackOverflowError();
                    })),
        path(
            "thrown-after-future",
            () ->
                onSuccess(
                    CompletableFuture.completedFuture(1),
                    x -> {
                      throw new StackOverflowError();
                    })),
        path("never", () -> completeWithFuture(new CompletableFuture<>())));
  }

  private static HttpResponse<String> get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
            .timeout(DEADLINE)
            .GET()
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new AssertionError("no answer to " + path + " within " + DEADLINE, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void assertFailureAnswered(String path, int status) throws Exception {
    HttpResponse<String> response =
        LoggingTestKit.warn("GET " + path)
            .withLoggerName(HttpServer.class.getName())
            .withOccurrences(1)
            .withCustom(event -> !event.message().contains("secret text"))
            .expect(kit.system(), () -> get(path));
    assertEquals(status, response.statusCode(), response.body());
    JsonNode body = TestNode.JSON.readTree(response.body());
    assertFalse(body.path("error").asText().isEmpty(), response.body());
    assertFalse(body.path("message").asText().isEmpty(), response.body());
  }

  @Test
  void aWorkingRouteIsUntouched() throws Exception {
    assertEquals("fine", get("/ok").body());
  }

  @Test
  void aFailedFutureIsA500() throws Exception {
    assertFailureAnswered("/exception", 500);
  }

  @Test
  void aFutureFailedWithAnErrorIsA500() throws Exception {
    assertFailureAnswered("/error", 500);
  }

  @Test
  void anErrorInALaterStageIsA500() throws Exception {
    assertFailureAnswered("/error-in-stage", 500);
  }

  @Test
  void anErrorThrownWhileRoutingIsA500() throws Exception {
    assertFailureAnswered("/thrown", 500);
  }

  @Test
  void anErrorThrownAfterACompletedFutureIsA500() throws Exception {
    assertFailureAnswered("/thrown-after-future", 500);
  }

  @Test
  void aRouteThatNeverAnswersTimesOutWithA503() throws Exception {
    assertFailureAnswered("/never", 503);
  }
}
