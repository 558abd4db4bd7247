package dev.parley.http;

import static dev.parley.channel.whatsapp.WhatsAppFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.DoublesKit;
import dev.parley.TestNode;
import dev.parley.TestTags;
import dev.parley.channel.whatsapp.GraphApiDouble;
import dev.parley.channel.whatsapp.GraphApiDouble.Answer;
import dev.parley.channel.whatsapp.GraphApiDouble.Call;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A WhatsApp reply recorded but not sent when its node stops (the Graph API answers 5xx throughout)
 * is sent by the next node on the same data, without a new webhook, exactly once, and then shows as
 * delivered with the wamid Meta gave it.
 */
@Tag(TestTags.SLOW)
@ExtendWith(LogCapturingExtension.class)
class WhatsAppRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(25);
  private static final String SECOND_TOKEN = "EAAG-token-of-the-second-node";
  private static ActorTestKit kit;
  private static GraphApiDouble graph;

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("WhatsAppRestartDouble");
    graph = GraphApiDouble.start(kit.system());
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, graph);
  }

  private static void deliverOk(WhatsAppNode wa, String body) {
    var reply = wa.deliver(body);
    assertEquals(200, reply.status(), reply.raw());
  }

  private static List<Call> sendsOfSecondNode(String user) {
    return graph.sendsTo(user).stream()
        .filter(c -> ("Bearer " + SECOND_TOKEN).equals(c.authorization()))
        .toList();
  }

  private static JsonNode turn(WhatsAppNode wa, String user, int index) {
    return wa.conversation(user).path("turns").path(index);
  }

  @Test
  void aReplyNotSentBeforeAStopIsSentOnceByTheNextNodeOnTheSameData() {
    String user = "31640000001";
    String firstWamid = "wamid.CRASH-" + user;
    Path data = TestNode.freshDataDir();
    graph.standing(user, Answer.error(503, 131000, "Something went wrong"));
    WhatsAppNode first = new WhatsAppNode(graph, data, Map.of());
    try {
      deliverOk(first, text(user, firstWamid, "survive this"));
      first.node.awaitAssert(
          WAIT,
          () -> {
            // The reply is recorded, and sending it has failed several times over.
            assertTrue(graph.sendsTo(user).size() >= 3);
            JsonNode t = turn(first, user, 0);
            assertEquals("pending", t.path("reply").path("delivery").asText(), t.toString());
            return null;
          });
    } finally {
      first.close();
    }

    String ours = "wamid.AFTER-RESTART-" + user;
    graph.clearStanding(user);
    graph.enqueue(user, Answer.sent(ours));
    // The second node sends with a token of its own, so its sends are told apart from the first
    // node's, also from one that was still on the wire when the first stopped.
    WhatsAppNode second =
        new WhatsAppNode(graph, data, Map.of("parley.whatsapp.access-token", SECOND_TOKEN));
    try {
      // No new webhook: remember-entities brings the conversation back, and it sends.
      JsonNode reply =
          second.node.awaitAssert(
              WAIT,
              () -> {
                JsonNode r = turn(second, user, 0).path("reply");
                assertEquals("delivered", r.path("delivery").asText(), r.toString());
                return r;
              });
      assertEquals("echo: survive this", reply.path("text").asText());
      assertEquals(ours, reply.path("channelMessageIds").path(0).asText(), reply.toString());
      assertEquals(1, reply.path("channelMessageIds").size(), reply.toString());
      List<Call> resent = sendsOfSecondNode(user);
      assertEquals(1, resent.size(), resent.toString());
      assertEquals("echo: survive this", resent.get(0).text());
      assertEquals(firstWamid, resent.get(0).contextId());

      // A later message's reply comes after it: nothing is left to send twice.
      String laterWamid = "wamid.LATER-" + user;
      deliverOk(second, text(user, laterWamid, "and then"));
      List<Call> after =
          second.node.awaitAssert(
              WAIT,
              () -> {
                List<Call> s = sendsOfSecondNode(user);
                assertEquals(2, s.size(), s.toString());
                return s;
              });
      assertEquals(
          List.of("echo: survive this", "echo: and then"), after.stream().map(Call::text).toList());
      assertEquals(List.of(firstWamid, laterWamid), after.stream().map(Call::contextId).toList());
      second.node.awaitAssert(
          WAIT,
          () -> {
            JsonNode t = turn(second, user, 1);
            assertEquals("delivered", t.path("reply").path("delivery").asText(), t.toString());
            return null;
          });
    } finally {
      second.close();
    }
  }
}
