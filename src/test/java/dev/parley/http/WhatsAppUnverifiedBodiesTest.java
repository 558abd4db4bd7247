package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.TestNode.Reply;
import dev.parley.channel.whatsapp.GraphApiDouble;
import dev.parley.channel.whatsapp.WhatsAppFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an unauthenticated WhatsApp POST may cost: a delivery without a well-formed signature header
 * is refused before its body is read, one body is capped at max-webhook-bytes (413), and the bytes
 * of bodies not yet authenticated are capped across the node (503 with Retry-After past it). Every
 * refusal is counted by reason in {@code parley_webhook_refusals_total}.
 */
@ExtendWith(LogCapturingExtension.class)
class WhatsAppUnverifiedBodiesTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final int MAX_BODY = 48 * 1024;
  private static final int MAX_UNVERIFIED = 64 * 1024;
  private static final AtomicInteger USERS = new AtomicInteger(5100000);

  @RegisterExtension
  static final WhatsAppNode wa =
      WhatsAppNode.withOwnGraph(
          "WhatsAppUnverifiedBodiesDoubles",
          Map.of(
              "parley.whatsapp.max-webhook-bytes", MAX_BODY,
              "parley.whatsapp.max-unverified-bytes", MAX_UNVERIFIED));

  private static final GraphApiDouble graph = wa.graph();

  /** A signed-looking text delivery of exactly {@code size} bytes (padded with spaces). */
  private static String textOfSize(int size) {
    String user = "4420" + USERS.incrementAndGet();
    String body =
        WhatsAppFixtures.load("text.json")
            .replace(WhatsAppFixtures.USER, user)
            .replace(WhatsAppFixtures.TEXT_WAMID, "wamid.BIG-" + user);
    return body + " ".repeat(size - body.getBytes(StandardCharsets.UTF_8).length);
  }

  /** Opens a connection and sends the head of a POST announcing {@code length} bytes. */
  private static Socket startPost(String signature, int length, int sendNow) throws IOException {
    Socket socket = new Socket("127.0.0.1", wa.node.port());
    socket.setSoTimeout(5000);
    StringBuilder head = new StringBuilder();
    head.append("POST /webhooks/whatsapp HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    head.append("Content-Type: application/json\r\nContent-Length: ").append(length).append("\r\n");
    if (signature != null) {
      head.append("X-Hub-Signature-256: ").append(signature).append("\r\n");
    }
    head.append("\r\n");
    OutputStream out = socket.getOutputStream();
    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.write(" ".repeat(sendNow).getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  /** The status code of the answer on {@code socket}; fails when none comes within its timeout. */
  private static int status(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      line.append((char) c);
    }
    Matcher m = Pattern.compile("^HTTP/1\\.1 (\\d{3})").matcher(line);
    assertTrue(m.find(), "no status line: " + line);
    return Integer.parseInt(m.group(1));
  }

  private static long metric(String name, String labels) {
    Matcher m =
        Pattern.compile("(?m)^" + name + Pattern.quote(labels) + " ([0-9.eE+]+)$")
            .matcher(wa.node.getManagement("/metrics").raw());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  private static long refusals(String reason) {
    return metric("parley_webhook_refusals_total", "{channel=\"wa\",reason=\"" + reason + "\"}");
  }

  private static long unverifiedBytes() {
    return metric("parley_webhook_unverified_bytes", "");
  }

  @Test
  void aDeliveryWithoutAWellFormedSignatureIsRefusedBeforeItsBodyArrives() throws IOException {
    long before = refusals("bad-signature");
    for (String header : new String[] {null, "sha256=xyz", "sha1=abc"}) {
      try (Socket socket = startPost(header, 100_000, 10)) {
        assertEquals(401, status(socket), "header " + header);
      }
    }
    assertEquals(before + 3, refusals("bad-signature"));
  }

  @Test
  void aBodyOverMaxWebhookBytesIs413AndCounted() {
    long before = refusals("too-large");
    Reply reply = wa.deliver(textOfSize(MAX_BODY + 1));
    assertEquals(413, reply.status(), reply.raw());
    assertEquals("body-too-large", reply.body().path("error").asText());
    assertEquals(before + 1, refusals("too-large"));
    assertEquals(200, wa.deliver(textOfSize(MAX_BODY)).status());
  }

  @Test
  void unverifiedBytesPastTheNodesBudgetAre503UntilTheyAreReleased() throws IOException {
    String held = "sha256=" + "0".repeat(64);
    String body = textOfSize(40_000);
    try (Socket slow = startPost(held, 40_000, 30_000)) {
      wa.node.awaitAssert(
          WAIT,
          () -> {
            assertTrue(unverifiedBytes() >= 30_000, "unverified bytes " + unverifiedBytes());
            return null;
          });
      long before = refusals("busy");
      Reply refused = wa.deliver(body);
      assertEquals(503, refused.status(), refused.raw());
      assertEquals("busy", refused.body().path("error").asText());
      assertEquals("1", refused.header("Retry-After"));
      assertEquals(before + 1, refusals("busy"));
    }
    // The held body is released when its connection closes; then the same delivery passes.
    wa.node.awaitAssert(
        WAIT,
        () -> {
          assertEquals(0, unverifiedBytes());
          return null;
        });
    assertEquals(200, wa.deliver(body).status());
  }
}
