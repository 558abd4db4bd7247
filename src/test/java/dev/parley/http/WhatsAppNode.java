package dev.parley.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.DoublesKit;
import dev.parley.ScriptedModel;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.channel.whatsapp.GraphApiDouble;
import dev.parley.channel.whatsapp.WhatsAppSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real node with WhatsApp configured against a {@link GraphApiDouble}, an API token, and a model
 * that echoes ("echo: <text>") or, for a text starting with "long", answers with three long
 * paragraphs; plus the signed webhook POST and the authorised GET that WhatsApp tests use.
 */
final class WhatsAppNode implements AutoCloseable, AfterAllCallback {
  static final String APP_SECRET = "app-secret-for-tests";
  static final String VERIFY_TOKEN = "verify-token-for-tests";
  static final String ACCESS_TOKEN = "EAAG-access-token-for-tests";
  static final String API_TOKEN = "api-token-for-tests";

  /** The long answer: three paragraphs, more than 4096 characters together. */
  static final List<String> LONG_PARAGRAPHS =
      List.of("a".repeat(3000), "b".repeat(3000), "c".repeat(3000));

  final TestNode node;

  /** Answers {@code "echo: " + <the last user text>}, or the long answer to a text "long...". */
  final ScriptedModel model =
      ScriptedModel.answeringAtOnce(
          request -> {
            String text = Objects.requireNonNullElse(ScriptedModel.lastUserText(request), "");
            return ScriptedModel.text(
                text.startsWith("long") ? String.join("\n\n", LONG_PARAGRAPHS) : "echo: " + text);
          });

  private final WhatsAppSignature signature = new WhatsAppSignature(APP_SECRET);
  // Set when this node started its own Graph API double (withOwnGraph); closed with the node.
  private ActorTestKit doublesKit;
  private GraphApiDouble ownGraph;

  WhatsAppNode(GraphApiDouble graph) {
    this(graph, TestNode.freshDataDir(), Map.of());
  }

  /**
   * A node on a fresh data directory with {@code extra} config, sending to a Graph API double of
   * its own in the doubles kit {@code kitName}; {@link #close} stops all three.
   */
  static WhatsAppNode withOwnGraph(String kitName, Map<String, ?> extra) {
    ActorTestKit kit = DoublesKit.create(kitName);
    GraphApiDouble graph = null;
    try {
      graph = GraphApiDouble.start(kit.system());
      WhatsAppNode wa = new WhatsAppNode(graph, TestNode.freshDataDir(), extra);
      wa.doublesKit = kit;
      wa.ownGraph = graph;
      return wa;
    } catch (RuntimeException e) {
      DoublesKit.stop(kit, graph);
      throw e;
    }
  }

  /** The Graph API double of a node started {@link #withOwnGraph}. */
  GraphApiDouble graph() {
    return Objects.requireNonNull(ownGraph, "this node was given its Graph API double");
  }

  /** A node on {@code dataDir} (possibly a stopped node's), with {@code extra} config on top. */
  WhatsAppNode(GraphApiDouble graph, Path dataDir, Map<String, ?> extra) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("parley.http.api-token", API_TOKEN);
    overrides.put("parley.http.interface", "127.0.0.1");
    overrides.put("parley.whatsapp.app-secret", APP_SECRET);
    overrides.put("parley.whatsapp.verify-token", VERIFY_TOKEN);
    overrides.put("parley.whatsapp.access-token", ACCESS_TOKEN);
    overrides.put("parley.whatsapp.phone-number-id", GraphApiDouble.PHONE_NUMBER_ID);
    overrides.put("parley.whatsapp.api-url", graph.apiUrl());
    overrides.put("parley.whatsapp.retry-min", "20ms");
    overrides.put("parley.whatsapp.retry-max", "100ms");
    overrides.put("parley.conversation.delivery.retry-min", "100ms");
    overrides.put("parley.conversation.delivery.retry-max", "500ms");
    overrides.putAll(extra);
    this.node = TestNode.start(dataDir, overrides, TestNode.withModel(model));
  }

  /** Posts {@code body} to the webhook, signed as Meta signs it. */
  Reply deliver(String body) {
    String header = signature.header(body.getBytes(StandardCharsets.UTF_8));
    return node.send("POST", "/webhooks/whatsapp", body, "X-Hub-Signature-256", header);
  }

  /** Posts {@code body} with the given signature header (null: none). */
  Reply deliverSigned(String body, String header) {
    return header == null
        ? node.send("POST", "/webhooks/whatsapp", body)
        : node.send("POST", "/webhooks/whatsapp", body, "X-Hub-Signature-256", header);
  }

  /** The chat API's view of {@code user:wa:<user>}. */
  JsonNode conversation(String user) {
    Reply reply =
        node.send(
            "GET",
            "/api/v1/conversations/user:wa:" + user,
            null,
            "Authorization",
            "Bearer " + API_TOKEN);
    if (reply.status() != 200) {
      throw new AssertionError("GET conversation: " + reply.status() + " " + reply.raw());
    }
    return reply.body();
  }

  /** Closes this node after the class's last test, as a {@code @RegisterExtension} field. */
  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    try {
      node.stop();
    } finally {
      if (doublesKit != null) {
        DoublesKit.stop(doublesKit, ownGraph);
      }
    }
  }
}
