package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.DoublesKit;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.channel.whatsapp.GraphApiDouble;
import dev.parley.channel.whatsapp.GraphApiDouble.Answer;
import dev.parley.channel.whatsapp.GraphApiDouble.Call;
import dev.parley.channel.whatsapp.WhatsAppFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Erasing a WhatsApp conversation whose three-part reply was only partly sent: the ids start over
 * ("turn-1" again), and the next reply of that id is sent whole, not resumed after the erased
 * reply's first part.
 */
@ExtendWith(LogCapturingExtension.class)
class WhatsAppErasureTest {
  private static final Duration WAIT = Duration.ofSeconds(25);
  private static final String USER = "31650000077";
  private static ActorTestKit kit;
  private static GraphApiDouble graph;

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("WhatsAppErasureDouble");
    graph = GraphApiDouble.start(kit.system());
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, graph);
  }

  private static String text(String wamid, String words) {
    return WhatsAppFixtures.text(USER, wamid, words);
  }

  private static String brief(String part) {
    return part.isEmpty() ? "" : part.charAt(0) + Integer.toString(part.length());
  }

  private static JsonNode firstTurn(WhatsAppNode wa) {
    return wa.conversation(USER).path("turns").path(0);
  }

  @Test
  void aNewReplyAfterAnErasureIsSentWholeThoughAnErasedOneOfItsIdWasHalfSent() {
    // The first part goes out; the second is refused on every one of the sender's 5 attempts.
    graph.enqueue(USER, Answer.sent("wamid.PART-1"));
    for (int attempt = 0; attempt < 5; attempt++) {
      graph.enqueue(USER, Answer.error(500, 131000, "Something went wrong"));
    }
    // The conversation's own retry must not finish the half-sent reply before the erasure.
    WhatsAppNode wa =
        new WhatsAppNode(
            graph,
            TestNode.freshDataDir(),
            Map.of(
                "parley.conversation.delivery.retry-min", "10m",
                "parley.conversation.delivery.retry-max", "10m"));
    try {
      assertEquals(200, wa.deliver(text("wamid.ERASE-1", "long answer please")).status());
      wa.node.awaitAssert(
          WAIT,
          () -> {
            assertEquals(6, graph.sendsTo(USER).size());
            JsonNode turn = firstTurn(wa);
            assertEquals("pending", turn.path("reply").path("delivery").asText(), turn.toString());
            return null;
          });
      Reply erased =
          wa.node.send(
              "DELETE",
              "/api/v1/conversations/user:wa:" + USER,
              null,
              "Authorization",
              "Bearer " + WhatsAppNode.API_TOKEN);
      assertEquals(204, erased.status(), erased.raw());

      assertEquals(200, wa.deliver(text("wamid.ERASE-2", "long answer again")).status());
      JsonNode turn =
          wa.node.awaitAssert(
              WAIT,
              () -> {
                JsonNode t = firstTurn(wa);
                assertEquals("delivered", t.path("reply").path("delivery").asText(), t.toString());
                return t;
              });
      List<Call> sends = graph.sendsTo(USER);
      // Each part as its letter and length ("a3000"), so that a failure stays readable.
      List<String> after =
          sends.subList(6, sends.size()).stream().map(c -> brief(c.text())).toList();
      assertEquals(
          WhatsAppNode.LONG_PARAGRAPHS.stream().map(WhatsAppErasureTest::brief).toList(), after);
      assertEquals(3, turn.path("reply").path("channelMessageIds").size(), turn.toString());
    } finally {
      wa.close();
    }
  }
}
