package dev.parley.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.parley.DoublesKit;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.channel.telegram.TelegramBotApiDouble;
import dev.parley.channel.whatsapp.GraphApiDouble;
import dev.parley.channel.whatsapp.WhatsAppSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * A real node with Telegram and WhatsApp both on (each against its wire-level double), and raw
 * posts to their webhooks that must be answered within {@link #DEADLINE}: a request that hangs
 * fails the test with "no answer" instead of waiting for the server's own timeout.
 */
final class BothChannelsNode implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofSeconds(10);

  final ActorTestKit kit;
  final TelegramBotApiDouble telegram;
  final GraphApiDouble graph;
  final WhatsAppNode wa;
  private final WhatsAppSignature signature = new WhatsAppSignature(WhatsAppNode.APP_SECRET);
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private BothChannelsNode(Map<String, ?> extra) {
    kit = DoublesKit.create("ChannelDoubles");
    telegram = TelegramBotApiDouble.start(kit.system(), TelegramWebhookFixture.TOKEN);
    graph = GraphApiDouble.start(kit.system());
    Map<String, Object> config = new HashMap<>(TelegramWebhookFixture.config(telegram.url()));
    // WhatsAppNode's API token is the one its helpers use.
    config.remove("parley.http.api-token");
    config.putAll(extra);
    wa = new WhatsAppNode(graph, TestNode.freshDataDir(), config);
  }

  static BothChannelsNode start(Map<String, ?> extra) {
    return new BothChannelsNode(extra);
  }

  TestNode node() {
    return wa.node;
  }

  /** Waits until the node knows the bot (getMe answered): group messages get 503 until then. */
  void awaitBotIdentity() {
    String group =
        "{\"update_id\": 1, \"message\": {\"message_id\": 1, \"from\": {\"id\": 5,"
            + " \"first_name\": \"Bo\"}, \"chat\": {\"id\": -77, \"type\": \"group\"},"
            + " \"text\": \"not for the bot\"}}";
    wa.node.awaitAssert(
        DEADLINE,
        () -> {
          Reply reply = telegram(group.getBytes(StandardCharsets.UTF_8));
          if (reply.status() != 200) {
            throw new AssertionError("bot identity not known yet: " + reply.status());
          }
          return null;
        });
  }

  /** Posts {@code body} to the Telegram webhook with the right secret. */
  Reply telegram(byte[] body) {
    return post(
        "/webhooks/telegram",
        body,
        TelegramWebhookFixture.SECRET_HEADER,
        TelegramWebhookFixture.SECRET);
  }

  /** Posts {@code body} to the WhatsApp webhook, signed as Meta signs it. */
  Reply whatsApp(byte[] body) {
    return post("/webhooks/whatsapp", body, "X-Hub-Signature-256", signature.header(body));
  }

  Reply post(String path, byte[] body, String header, String value) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + wa.node.port() + path))
            .timeout(DEADLINE)
            .header("Content-Type", "application/json")
            .header(header, value)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try {
      HttpResponse<String> response =
          http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Reply(
          response.statusCode(), json(response.body()), response.body(), response.headers());
    } catch (HttpTimeoutException e) {
      throw new AssertionError("no answer from " + path + " within " + DEADLINE, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(String raw) {
    try {
      return raw == null || raw.isEmpty() ? MissingNode.getInstance() : TestNode.JSON.readTree(raw);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  @Override
  public void close() {
    wa.close();
    telegram.close();
    DoublesKit.stop(kit, graph);
  }
}
