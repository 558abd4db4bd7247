package dev.parley.http;

import static dev.parley.channel.whatsapp.WhatsAppFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.channel.whatsapp.GraphApiDouble;
import dev.parley.channel.whatsapp.GraphApiDouble.Call;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A burst from one WhatsApp user, each signed delivery answered before the next as Meta does per
 * user, gets one reply per message, in order, each replying to its own message, and the number's
 * sends keep to the configured pacing (a small test rate, so that the burst outruns it).
 */
@ExtendWith(LogCapturingExtension.class)
class WhatsAppBurstTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final double PER_SECOND = 10.0;
  private static final int BURST = 3;
  private static final int MESSAGES = 30;

  @RegisterExtension
  static final WhatsAppNode wa =
      WhatsAppNode.withOwnGraph(
          "WhatsAppBurstDouble",
          Map.of(
              "parley.whatsapp.messages-per-second", PER_SECOND,
              "parley.whatsapp.burst", BURST));

  private static final GraphApiDouble graph = wa.graph();

  @Test
  void aBurstOfThirtyFromOneUserGetsThirtyRepliesInOrderEachToItsMessageAndPaced() {
    warmUp();
    String user = "31630000001";
    List<String> wamids = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      String wamid = "wamid.BURST-" + user + "-" + i;
      var reply = wa.deliver(text(user, wamid, "burst " + i));
      assertEquals(200, reply.status(), reply.raw());
      wamids.add(wamid);
      expected.add("echo: burst " + i);
    }
    List<Call> sends =
        wa.node.awaitAssert(
            WAIT,
            () -> {
              List<Call> s = graph.sendsTo(user);
              assertEquals(MESSAGES, s.size(), s.stream().map(Call::text).toList().toString());
              return s;
            });
    assertEquals(expected, sends.stream().map(Call::text).toList());
    assertEquals(wamids, sends.stream().map(Call::contextId).toList());
    // Every call for the burst takes a slot: the replies and the read receipts (with typing).
    List<Call> burst =
        graph.calls().stream()
            .filter(
                c -> user.equals(c.to()) || wamids.contains(c.body().path("message_id").asText()))
            .sorted(Comparator.comparingLong(Call::atNanos))
            .toList();
    assertPaced(burst, PER_SECOND, BURST);
    JsonNode turns =
        wa.node.awaitAssert(
            WAIT,
            () -> {
              JsonNode t = wa.conversation(user).path("turns");
              assertEquals(MESSAGES, t.size());
              t.forEach(
                  turn ->
                      assertEquals(
                          "delivered", turn.path("reply").path("delivery").asText(), t.toString()));
              return t;
            });
    for (int i = 0; i < MESSAGES; i++) {
      assertEquals("wa:" + wamids.get(i), turns.get(i).path("messageIds").get(0).asText());
    }
  }

  /**
   * One message from another user, answered, before the burst. The bucket paces when a request is
   * issued; the double sees when it arrives. On a cold node the first requests wait for the Graph
   * API pool to start and connect, and arrive together however far apart they were issued (seen:
   * five calls in 49 ms at 10/s, burst 3). Pacing is about issuing, so the burst runs on a warm
   * pool, where arrival follows issue within the slack.
   */
  private static void warmUp() {
    String other = "31630000000";
    var reply = wa.deliver(text(other, "wamid.WARM-" + other, "warm up"));
    assertEquals(200, reply.status(), reply.raw());
    wa.node.awaitAssert(
        WAIT,
        () -> {
          assertEquals(1, graph.sendsTo(other).size());
          return null;
        });
  }

  /**
   * Any n consecutive calls span at least (n - burst) / rate, less a little jitter between the
   * sender's timer and the double's clock: no window ever holds more than the bucket allows.
   */
  private static void assertPaced(List<Call> calls, double perSecond, int burst) {
    long slack = Duration.ofMillis(40).toNanos();
    for (int i = 0; i < calls.size(); i++) {
      for (int j = i + burst; j < calls.size(); j++) {
        long span = calls.get(j).atNanos() - calls.get(i).atNanos();
        long least = (long) ((j - i + 1 - burst) / perSecond * 1e9);
        assertTrue(
            span >= least - slack,
            "calls "
                + i
                + ".."
                + j
                + " in "
                + span / 1_000_000
                + " ms; arrivals in ms: "
                + calls.stream()
                    .map(c -> (c.atNanos() - calls.get(0).atNanos()) / 1_000_000)
                    .toList());
      }
    }
  }
}
