package dev.parley.channel.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.channel.Allocations;
import dev.parley.channel.whatsapp.WhatsAppBodies.ReplyButton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The plain parts of sending: splitting at 4096 characters, the JSON bodies (text, reply buttons,
 * read receipt with typing), the pacing bucket and the meaning of Graph API answers.
 */
class WhatsAppOutboundTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shortTextIsOnePart() {
    assertEquals(List.of("hello"), WhatsAppText.split("  hello \n"));
    assertEquals(List.of(), WhatsAppText.split("   "));
  }

  @Test
  void longTextIsCutAtParagraphsThenLinesThenSpaces() {
    String a = "a".repeat(3000);
    String b = "b".repeat(3000);
    assertEquals(List.of(a, b), WhatsAppText.split(a + "\n\n" + b));
    assertEquals(List.of(a, b), WhatsAppText.split(a + "\n" + b));
    assertEquals(List.of(a, b), WhatsAppText.split(a + " " + b));
    String paragraphs = "x".repeat(2000) + "\n\n" + "y".repeat(2000) + "\n" + "z".repeat(2000);
    List<String> parts = WhatsAppText.split(paragraphs);
    // A paragraph break is preferred to a later line break.
    assertEquals(List.of("x".repeat(2000), "y".repeat(2000) + "\n" + "z".repeat(2000)), parts);
  }

  @Test
  void everyPartFitsAndNothingIsLost() {
    String word = "€".repeat(5000) + " tail";
    List<String> parts = WhatsAppText.split(word);
    parts.forEach(p -> assertTrue(p.length() <= WhatsAppText.MAX_CHARS));
    assertEquals(List.of(4096, 909), parts.stream().map(String::length).toList());
    assertEquals(word, String.join("", parts));
    String emoji = "😀".repeat(3000);
    List<String> cut = WhatsAppText.split(emoji);
    assertEquals(emoji, String.join("", cut));
    cut.forEach(p -> assertFalse(Character.isHighSurrogate(p.charAt(p.length() - 1))));
  }

  @Test
  void splittingTakesWorkInProportionToTheText() {
    // Copying the rest of the text for each part would allocate gigabytes here (4 MB, 1000 parts).
    String oneWord = "x".repeat(4 << 20);
    String sparseBreaks = ("y".repeat(5000) + "\n\n").repeat(800);
    String shortLines = ("z".repeat(3000) + "\n").repeat(1400);
    for (String text : List.of(oneWord, sparseBreaks, shortLines)) {
      List<List<String>> parts = new ArrayList<>();
      long bytes = Allocations.during(() -> parts.add(WhatsAppText.split(text)));
      assertTrue(bytes < 4L * text.length(), bytes + " bytes for " + text.length() + " chars");
      assertEquals(text.replace("\n", ""), String.join("", parts.get(0)).replace("\n", ""));
      parts.get(0).forEach(p -> assertTrue(p.length() <= WhatsAppText.MAX_CHARS));
    }
  }

  @Test
  void aCutInsideAWordKeepsEmojiAndAccentsWhole() {
    String family = "👩\u200D👩\u200D👧\u200D👦";
    String families = family.repeat(1000);
    List<String> parts = WhatsAppText.split(families);
    assertEquals(families, String.join("", parts));
    for (String part : parts) {
      assertEquals(0, part.length() % family.length(), "a family cut apart");
    }
    String accents = "e\u0301".repeat(3000);
    List<String> cut = WhatsAppText.split(accents);
    assertEquals(accents, String.join("", cut));
    cut.forEach(p -> assertTrue(p.startsWith("e") && p.length() % 2 == 0, "an accent cut off"));
  }

  @Test
  void textBodyRepliesToTheUsersMessage() throws Exception {
    JsonNode body = JSON.readTree(WhatsAppBodies.text("16505551234", "Hi", "wamid.U"));
    assertEquals("whatsapp", body.path("messaging_product").asText());
    assertEquals("individual", body.path("recipient_type").asText());
    assertEquals("16505551234", body.path("to").asText());
    assertEquals("text", body.path("type").asText());
    assertEquals("Hi", body.path("text").path("body").asText());
    assertFalse(body.path("text").path("preview_url").asBoolean(true));
    assertEquals("wamid.U", body.path("context").path("message_id").asText());
    assertTrue(JSON.readTree(WhatsAppBodies.text("1", "x", null)).path("context").isMissingNode());
  }

  @Test
  void buttonBodyHasTheInteractiveShape() throws Exception {
    byte[] bytes =
        WhatsAppBodies.buttons(
            "1",
            "Book the table for 8?",
            List.of(new ReplyButton("yes-17", "Yes"), new ReplyButton("no-17", "No")),
            "wamid.U");
    JsonNode body = JSON.readTree(bytes);
    assertEquals("interactive", body.path("type").asText());
    JsonNode interactive = body.path("interactive");
    assertEquals("button", interactive.path("type").asText());
    assertEquals("Book the table for 8?", interactive.path("body").path("text").asText());
    JsonNode buttons = interactive.path("action").path("buttons");
    assertEquals(2, buttons.size());
    assertEquals("reply", buttons.get(0).path("type").asText());
    assertEquals("yes-17", buttons.get(0).path("reply").path("id").asText());
    assertEquals("No", buttons.get(1).path("reply").path("title").asText());
    assertEquals("wamid.U", body.path("context").path("message_id").asText());
  }

  @Test
  void buttonBodyRefusesWhatMetaWouldRefuse() {
    ReplyButton ok = new ReplyButton("a", "A");
    assertThrows(
        IllegalArgumentException.class, () -> WhatsAppBodies.buttons("1", "q", List.of(), null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            WhatsAppBodies.buttons(
                "1",
                "q",
                List.of(
                    ok,
                    new ReplyButton("b", "B"),
                    new ReplyButton("c", "C"),
                    new ReplyButton("d", "D")),
                null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            WhatsAppBodies.buttons("1", "q", List.of(new ReplyButton("a", "x".repeat(21))), null));
    assertThrows(
        IllegalArgumentException.class,
        () -> WhatsAppBodies.buttons("1", "x".repeat(1025), List.of(ok), null));
    assertThrows(
        IllegalArgumentException.class,
        () -> WhatsAppBodies.buttons("1", "q", List.of(ok, new ReplyButton("a", "Again")), null));
    WhatsAppBodies.buttons(
        "1", "x".repeat(1024), List.of(new ReplyButton("a", "x".repeat(20))), null);
  }

  @Test
  void readReceiptCarriesTheTypingIndicator() throws Exception {
    JsonNode body = JSON.readTree(WhatsAppBodies.readWithTyping("wamid.U"));
    assertEquals("whatsapp", body.path("messaging_product").asText());
    assertEquals("read", body.path("status").asText());
    assertEquals("wamid.U", body.path("message_id").asText());
    assertEquals("text", body.path("typing_indicator").path("type").asText());
  }

  @Test
  void bucketLetsABurstThroughThenSpacesSends() {
    AtomicLong now = new AtomicLong(0);
    PacingBucket bucket = new PacingBucket(10, 3, now::get); // one per 100 ms after 3
    assertEquals(0, bucket.reserve());
    assertEquals(0, bucket.reserve());
    assertEquals(0, bucket.reserve());
    assertEquals(100_000_000L, bucket.reserve());
    assertEquals(200_000_000L, bucket.reserve());
    assertFalse(bucket.tryTake());
    now.set(1_000_000_000L);
    assertTrue(bucket.tryTake());
  }

  @Test
  void graphAnswersMapToRetryAbandonOrAlert() {
    assertEquals(
        new GraphOutcome.Sent("wamid.X"),
        GraphOutcome.of(200, bytes("{\"messages\":[{\"id\":\"wamid.X\"}]}")));
    assertEquals(
        new GraphOutcome.Abandon("outside the 24-hour window"),
        GraphOutcome.of(400, error(131047, "Re-engagement message")));
    assertInstanceOf(
        GraphOutcome.Retry.class, GraphOutcome.of(400, error(130429, "Rate limit hit")));
    assertInstanceOf(
        GraphOutcome.Retry.class, GraphOutcome.of(400, error(131056, "Pair rate limit hit")));
    assertInstanceOf(
        GraphOutcome.BadToken.class,
        GraphOutcome.of(401, error(190, "Error validating access token")));
    assertInstanceOf(GraphOutcome.Retry.class, GraphOutcome.of(429, bytes("")));
    assertInstanceOf(
        GraphOutcome.Retry.class, GraphOutcome.of(502, bytes("<html>bad gateway</html>")));
    assertEquals(
        new GraphOutcome.Abandon(
            "Recipient phone number not in allowed list (Graph API error 131030)"),
        GraphOutcome.of(400, error(131030, "Recipient phone number not in allowed list")));
    assertEquals(
        new GraphOutcome.Abandon("the Graph API answered 404"),
        GraphOutcome.of(404, bytes("nope")));
  }

  @Test
  void aLongGraphErrorIsCutBetweenCharacters() {
    // The reason is persisted with the abandoned reply: half an emoji would be a lone surrogate.
    String message = "x".repeat(199) + "😀".repeat(100);
    String reason =
        assertInstanceOf(GraphOutcome.Abandon.class, GraphOutcome.of(400, error(131030, message)))
            .reason();
    assertEquals("x".repeat(199), reason);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] error(int code, String message) {
    return bytes(GraphApiDouble.Answer.error(400, code, message).body());
  }
}
