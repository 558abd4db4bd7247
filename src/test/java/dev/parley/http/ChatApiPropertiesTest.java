package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.apache.pekko.actor.testkit.typed.internal.CapturingAppender;

/**
 * Property-based: chat API posts with every field missing, null, of the wrong type, huge, holding
 * lone surrogates or control characters, nested deep, cut short or not UTF-8 at all, sent over HTTP
 * to one real node. Whatever the body, the answer is never a 5xx; and a conversation that accepted
 * such a message still answers the next ordinary one: no input stops a conversation.
 *
 * <p>The seed is fixed, so CI runs the same cases every time, and printed in jqwik's report with
 * the first failing sample; run the class again to replay, change {@link #SEED} to explore.
 */
class ChatApiPropertiesTest {
  static final String SEED = "20261204";
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  // Escapes everything outside ASCII, so a lone surrogate goes out as \ud83d, as a client's would.
  private static final JsonMapper ESCAPING =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
  private static final AtomicInteger FOLLOW_UPS = new AtomicInteger();
  private static TestNode node;

  @BeforeContainer
  static void start() {
    System.out.println("ChatApiPropertiesTest: jqwik seed " + SEED);
    node = TestNode.start(Map.of("parley.conversation.max-text-chars", 200));
  }

  @AfterContainer
  static void stop() {
    if (node != null) {
      node.stop();
    }
    // No LogCapturingExtension here (jqwik runs these, not Jupiter): drop what the node logged.
    CapturingAppender.get("").clear();
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<byte[]> shaped = messages().map(ChatApiPropertiesTest::write);
    Arbitrary<byte[]> cut =
        Combinators.combine(shaped, Arbitraries.doubles().between(0, 1))
            .as((bytes, at) -> Arrays.copyOf(bytes, (int) (bytes.length * at)));
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    Arbitrary<byte[]> deep =
        Arbitraries.integers()
            .between(1, 2000)
            .map(n -> ("[".repeat(n) + "]".repeat(n)).getBytes(StandardCharsets.UTF_8));
    return Arbitraries.frequencyOf(
        Tuple.of(10, shaped), Tuple.of(2, cut), Tuple.of(1, raw), Tuple.of(1, deep));
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.integers().between(1, 40).map(n -> "user:api:prop-" + n)),
        Tuple.of(1, Arbitraries.of("group:api:prop-g", "user:tg:4242", "user:wa:15550001")),
        Tuple.of(1, Arbitraries.of("nochannel", "user:xx:1", "user:api:" + "k".repeat(300))));
  }

  @Property(tries = 250, seed = SEED, shrinking = ShrinkingMode.BOUNDED)
  void noBodyAnswers5xxNorStopsItsConversation(
      @ForAll("keys") String key, @ForAll("bodies") byte[] body) {
    String path = "/api/v1/conversations/" + key + "/messages";
    Reply reply = node.postBytes(path, body);
    Statistics.collect("status " + reply.status());
    assertTrue(reply.status() < 500, () -> reply.status() + " " + reply.raw());
    if (reply.status() == 202) {
      // The conversation took it: the next ordinary message must still get its answer.
      String id = "follow-up-" + FOLLOW_UPS.incrementAndGet();
      Reply next =
          node.postJson(path + "?wait=20", "{\"id\":\"" + id + "\",\"text\":\"still there?\"}");
      assertEquals(200, next.status(), next.raw());
      assertEquals("completed", next.body().path("outcome").asText(), next.raw());
    }
  }

  /** A message object whose fields are each missing, odd or plausible. */
  private static Arbitrary<JsonNode> messages() {
    // Mostly plausible, so that a good share is accepted and its conversation tested after.
    Arbitrary<Optional<JsonNode>> text = field(texts(), 1, 1, 10);
    Arbitrary<Optional<JsonNode>> id = field(texts().map(t -> "p-" + t), 6, 1, 4);
    Arbitrary<Optional<JsonNode>> sender = field(texts(), 6, 1, 4);
    Arbitrary<Optional<JsonNode>> extra = field(texts(), 2, 2, 1);
    return Combinators.combine(text, id, sender, extra)
        .as(
            (t, i, s, e) -> {
              ObjectNode message = F.objectNode();
              t.ifPresent(v -> message.set("text", v));
              i.ifPresent(v -> message.set("id", v));
              s.ifPresent(v -> message.set("sender", v));
              e.ifPresent(v -> message.set("extra", v));
              return (JsonNode) message;
            });
  }

  /** Absent, any JSON junk, or a string from {@code plausible}, in these proportions. */
  private static Arbitrary<Optional<JsonNode>> field(
      Arbitrary<String> plausible, int absent, int junk, int string) {
    return Arbitraries.frequencyOf(
        Tuple.of(absent, Arbitraries.just(Optional.<JsonNode>empty())),
        Tuple.of(junk, WebhookBodies.junk().map(Optional::of)),
        Tuple.of(string, plausible.map(s -> Optional.<JsonNode>of(F.textNode(s)))));
  }

  private static Arbitrary<String> texts() {
    return Arbitraries.oneOf(
        Arbitraries.strings().alpha().numeric().withChars(' ', '-').ofMinLength(1).ofMaxLength(40),
        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40),
        Arbitraries.strings()
            .withChars('\ud83d', '\ude00', '\udc4b', 'a', ' ', '\u0000', '\n', '\u202e')
            .ofMinLength(1)
            .ofMaxLength(12),
        Arbitraries.of("hi", "tg:1", "wa:1", "calc 1+\ud83d\ude00", "what time is it?"),
        Arbitraries.integers().between(150, 5000).map("x"::repeat));
  }

  private static byte[] write(JsonNode message) {
    try {
      return ESCAPING.writeValueAsBytes(message);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
