package dev.parley.http;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of webhook bodies for {@link WebhookPropertiesTest}: the stored real-format payloads
 * (src/test/resources/telegram and whatsapp) with random mutations (values replaced by nulls, wrong
 * types, extreme numbers, long strings or lone surrogates; fields removed; items inserted; deep
 * nesting and reply chains; Telegram entities with any bounds), written plain or with every
 * non-ASCII character escaped, and now and then raw bytes or a cut-off body.
 */
final class WebhookBodies {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final ObjectMapper ESCAPED =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
  private static final List<String> TELEGRAM = fixtures("telegram");
  private static final List<String> WHATSAPP = fixtures("whatsapp");
  private static final List<String> FIELDS =
      List.of(
          "entities reply_to_message from chat text caption message callback_query messages"
              .concat(" statuses status contacts errors id type")
              .split(" "));
  // A deep value is written as a marker string and swapped for its text after writing, since
  // Jackson will not write (or build without recursion) what is nested past its own limits.
  private static final Pattern DEEP = Pattern.compile("\"\\\\u0000(array|chain)-(\\d+)\\\\u0000\"");

  private WebhookBodies() {}

  /**
   * One change to a payload: what, where (an index into the places under {@code scope}, a JSON
   * pointer; "" is the whole payload) and with what.
   */
  record Mutation(Kind kind, String scope, int where, String field, JsonNode value) {}

  /** A body as posted; shown as text (cut at 2000 characters) in jqwik's report of a failure. */
  record Body(byte[] bytes) {
    @Override
    public String toString() {
      String text = new String(bytes, StandardCharsets.UTF_8);
      return bytes.length
          + " bytes: "
          + (text.length() > 2000 ? text.substring(0, 2000) + "..." : text);
    }
  }

  enum Kind {
    REPLACE,
    REMOVE,
    INSERT,
    REPLACE_FIELD
  }

  static Arbitrary<Body> telegram() {
    return bodies(TELEGRAM, true).map(Body::new);
  }

  static Arbitrary<Body> whatsApp() {
    return bodies(WHATSAPP, false).map(Body::new);
  }

  /** The stored payloads under {@code dir} of the test resources, as resource names. */
  private static List<String> fixtures(String dir) {
    try (Stream<Path> files =
        Files.list(Path.of(WebhookBodies.class.getResource("/" + dir).toURI()))) {
      return files.map(f -> dir + "/" + f.getFileName()).sorted().toList();
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("no fixtures under " + dir, e);
    }
  }

  private static Arbitrary<byte[]> bodies(List<String> fixtures, boolean telegram) {
    Arbitrary<byte[]> shaped =
        Combinators.combine(
                Arbitraries.of(fixtures),
                mutation(telegram).list().ofMaxSize(3),
                Arbitraries.of(true, false))
            .as((name, mutations, escaped) -> write(mutated(name, mutations), escaped));
    Arbitrary<byte[]> cut =
        Combinators.combine(shaped, Arbitraries.doubles().between(0, 1))
            .as((body, at) -> Arrays.copyOf(body, (int) (body.length * at)));
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(100);
    Arbitrary<byte[]> deep =
        Arbitraries.integers()
            .between(1, 3000)
            .map(n -> ("[".repeat(n) + "]".repeat(n)).getBytes(StandardCharsets.US_ASCII));
    return Arbitraries.frequencyOf(
        Tuple.of(16, shaped), Tuple.of(2, cut), Tuple.of(1, raw), Tuple.of(1, deep));
  }

  private static Arbitrary<Mutation> mutation(boolean telegram) {
    // Half the changes land inside what the channel reads (Telegram's message, the first
    // change's value of a Meta payload), so that its items, not just the envelope, get broken.
    Arbitrary<String> scope =
        Arbitraries.of("", telegram ? "/message" : "/entry/0/changes/0/value");
    Arbitrary<Integer> where = Arbitraries.integers().between(0, 100_000);
    Arbitrary<Mutation> common =
        Arbitraries.frequencyOf(
            Tuple.of(
                3,
                Combinators.combine(scope, where, junk())
                    .as((s, w, v) -> new Mutation(Kind.REPLACE, s, w, null, v))),
            Tuple.of(
                2,
                Combinators.combine(scope, where)
                    .as((s, w) -> new Mutation(Kind.REMOVE, s, w, null, null))),
            Tuple.of(
                2,
                Combinators.combine(scope, where, Arbitraries.of(FIELDS), junk())
                    .as((s, w, f, v) -> new Mutation(Kind.INSERT, s, w, f, v))),
            Tuple.of(
                1,
                Combinators.combine(scope, where, depth())
                    .as((s, w, d) -> new Mutation(Kind.REPLACE, s, w, null, marker("array", d)))));
    if (!telegram) {
      return common;
    }
    // Group messages are read most closely (is the bot addressed?): their entities and the
    // message they reply to get changes of their own.
    Arbitrary<Mutation> chain =
        depth()
            .map(
                d ->
                    new Mutation(
                        Kind.REPLACE_FIELD, "/message", 0, "reply_to_message", marker("chain", d)));
    Arbitrary<Mutation> entities =
        entities().map(e -> new Mutation(Kind.REPLACE_FIELD, "/message", 0, "entities", e));
    return Arbitraries.frequencyOf(Tuple.of(8, common), Tuple.of(1, chain), Tuple.of(3, entities));
  }

  private static Arbitrary<Integer> depth() {
    return Arbitraries.oneOf(
        Arbitraries.of(2, 10, 63, 64, 65, 900), Arbitraries.integers().between(1, 1200));
  }

  /** A value of any JSON type, including the awkward ones; null most often. */
  static Arbitrary<JsonNode> junk() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just(F.nullNode())),
        Tuple.of(1, Arbitraries.of(true, false).map(b -> (JsonNode) F.booleanNode(b))),
        Tuple.of(
            2,
            Arbitraries.of(
                    0L,
                    -1L,
                    1L,
                    16L,
                    (long) Integer.MAX_VALUE,
                    (long) Integer.MIN_VALUE,
                    Integer.MAX_VALUE + 1L,
                    Long.MAX_VALUE,
                    Long.MIN_VALUE)
                .map(n -> (JsonNode) F.numberNode(n))),
        Tuple.of(1, Arbitraries.longs().map(n -> (JsonNode) F.numberNode(n))),
        Tuple.of(
            1,
            Arbitraries.of("1e400", "-0", "0.5", "-1.5e-300", "123456789012345678901234567890")
                .map(n -> (JsonNode) F.numberNode(new BigDecimal(n)))),
        Tuple.of(4, strings().map(s -> (JsonNode) F.textNode(s))),
        Tuple.of(1, Arbitraries.just(F.arrayNode())),
        Tuple.of(1, Arbitraries.just(F.objectNode())),
        Tuple.of(1, Arbitraries.just(F.arrayNode().addNull().addNull())));
  }

  private static Arbitrary<String> strings() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(30),
        Arbitraries.strings().withChars('\ud83d', '\udc4b', 'a', '@', '/', ' ').ofMaxLength(20),
        Arbitraries.of(
            "",
            " ",
            "private",
            "group",
            "supergroup",
            "mention",
            "bot_command",
            "@parley_test_bot",
            "/start",
            "messages",
            "read",
            "delivered",
            "text",
            "interactive",
            "button",
            "c:1:y"),
        Arbitraries.integers().between(4000, 40_000).map("x"::repeat));
  }

  private static Arbitrary<JsonNode> entities() {
    Arbitrary<JsonNode> entity =
        Combinators.combine(
                Arbitraries.of("mention", "bot_command", "text_mention", "url", "bold"),
                Arbitraries.of(0, 1, 3, 16, -1, Integer.MAX_VALUE, Integer.MIN_VALUE),
                Arbitraries.of(0, 1, 5, 16, -1, Integer.MAX_VALUE),
                Arbitraries.of(true, false))
            .as(
                (type, offset, length, withUser) -> {
                  ObjectNode e = F.objectNode().put("type", type);
                  e.put("offset", offset).put("length", length);
                  if (withUser) {
                    e.putObject("user").put("id", 7000000001L).put("first_name", "P");
                  }
                  return (JsonNode) e;
                });
    return Arbitraries.oneOf(entity, Arbitraries.just(F.nullNode()))
        .list()
        .ofMaxSize(4)
        .map(list -> (JsonNode) F.arrayNode().addAll(list));
  }

  private static JsonNode marker(String kind, int depth) {
    return F.textNode("\u0000" + kind + "-" + depth + "\u0000");
  }

  private static JsonNode mutated(String resource, List<Mutation> mutations) {
    JsonNode root = load(resource);
    for (Mutation m : mutations) {
      root = JsonMutations.apply(root, m);
    }
    return root;
  }

  private static byte[] write(JsonNode root, boolean escaped) {
    String text;
    try {
      text = (escaped ? ESCAPED : PLAIN).writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Matcher m = DEEP.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int depth = Integer.parseInt(m.group(2));
      m.appendReplacement(
          out, Matcher.quoteReplacement(m.group(1).equals("array") ? array(depth) : chain(depth)));
    }
    m.appendTail(out);
    // Plain text with a lone surrogate becomes '?' here; escaped text keeps it as \\ud83d.
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String array(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  /** Replied-to messages replying to others, {@code depth} levels, each from the bot. */
  private static String chain(int depth) {
    String level =
        "{\"message_id\": 5, \"from\": {\"id\": 7000000001, \"is_bot\": true, \"first_name\":"
            + " \"P\"}, \"text\": \"t\", \"reply_to_message\": ";
    return level.repeat(depth) + "null" + "}".repeat(depth);
  }

  private static JsonNode load(String resource) {
    try (InputStream in = WebhookBodies.class.getResourceAsStream("/" + resource)) {
      return PLAIN.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
