package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.channel.whatsapp.GraphApiDouble;
import dev.parley.channel.whatsapp.WhatsAppFixtures;
import dev.parley.channel.whatsapp.WhatsAppSignature;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The WhatsApp webhook's edge on a real node: Meta's subscription check, the signature over the raw
 * bytes (anything but the right one is 401 and leaves no trace), and the route of a node without
 * WhatsApp saying it is off.
 */
@ExtendWith(LogCapturingExtension.class)
class WhatsAppWebhookTest {
  private static final AtomicInteger USERS = new AtomicInteger(3100000);

  @RegisterExtension
  static final WhatsAppNode wa = WhatsAppNode.withOwnGraph("WhatsAppWebhookDoubles", Map.of());

  private static final GraphApiDouble graph = wa.graph();

  private static String freshUser() {
    return "4420" + USERS.incrementAndGet();
  }

  private static String textFrom(String user, String wamid) {
    return WhatsAppFixtures.load("text.json")
        .replace(WhatsAppFixtures.USER, user)
        .replace(WhatsAppFixtures.TEXT_WAMID, wamid);
  }

  @Test
  void subscriptionWithTheRightTokenGetsTheRawChallenge() {
    Reply reply =
        wa.node.get(
            "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token="
                + WhatsAppNode.VERIFY_TOKEN
                + "&hub.challenge=1158201444");
    assertEquals(200, reply.status());
    assertEquals("1158201444", reply.raw());
  }

  @Test
  void subscriptionWithAWrongTokenOrModeIsForbidden() {
    assertEquals(
        403,
        wa.node
            .get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")
            .status());
    assertEquals(
        403,
        wa.node
            .get(
                "/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token="
                    + WhatsAppNode.VERIFY_TOKEN
                    + "&hub.challenge=1")
            .status());
    assertEquals(403, wa.node.get("/webhooks/whatsapp?hub.challenge=1").status());
  }

  @Test
  void wrongMissingOrMalformedSignaturesAre401AndRecordNothing() {
    String user = freshUser();
    String wamid = "wamid.SIG-" + user;
    String body = textFrom(user, wamid);
    String right = new WhatsAppSignature(WhatsAppNode.APP_SECRET).header(bytes(body));
    String wrongKey = new WhatsAppSignature("not-the-app-secret").header(bytes(body));
    for (String header :
        new String[] {null, "", wrongKey, right.substring(7), "sha256=xyz", right + "00"}) {
      Reply reply = wa.deliverSigned(body, header);
      assertEquals(401, reply.status(), "header " + header);
      assertEquals("bad-signature", reply.body().path("error").asText());
    }
    // A valid signature of another body does not pass either.
    assertEquals(401, wa.deliverSigned(body.replace("color", "colour"), right).status());
    assertEquals(0, wa.conversation(user).path("turns").size());
    assertEquals(0, wa.conversation(user).path("inbox").asInt());
    assertEquals(0, graph.sendsTo(user).size());
    // Nothing was remembered: the same message, rightly signed, is new.
    assertEquals(200, wa.deliverSigned(body, right).status());
    wa.node.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          assertEquals(1, graph.sendsTo(user).size());
          return null;
        });
  }

  @Test
  void signatureIsCheckedOverTheRawBytesOfNonAsciiAndOddWhitespace() {
    String user = freshUser();
    String body =
        textFrom(user, "wamid.RAW-" + user)
            .replace("Does it come in another color?", "Grüße aus Köln ☕ \\u00e9  !")
            .replace("\n", "\r\n\t ");
    Reply reply = wa.deliver(body);
    assertEquals(200, reply.status(), reply.raw());
    wa.node.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          assertEquals("echo: Grüße aus Köln ☕ é  !", graph.sendsTo(user).get(0).text());
          return null;
        });
  }

  @Test
  void authenticatedButUnreadableBodyIs400() {
    String body = "{\"object\": [not json";
    assertEquals(400, wa.deliver(body).status());
  }

  @Test
  void aNodeWithoutWhatsAppSaysItIsOff() {
    try (TestNode off = TestNode.start(Map.of())) {
      Reply get =
          off.get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1");
      assertEquals(404, get.status());
      assertEquals("whatsapp-off", get.body().path("error").asText());
      Reply post = off.send("POST", "/webhooks/whatsapp", "{}");
      assertEquals(404, post.status());
      assertTrue(post.body().path("message").asText().contains("not configured"));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
