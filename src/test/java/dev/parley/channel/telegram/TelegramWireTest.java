package dev.parley.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What the Bot API records bind, and what they refuse: only the replied-to message's sender is
 * read, JSON nested past the cap is unreadable (not a stack overflow), and strings come out
 * well-formed whatever escapes the body used.
 */
class TelegramWireTest {
  private static final String GROUP_PREFIX =
      "{\"update_id\": 9, \"message\": {\"message_id\": 1, \"from\": {\"id\": 5, \"first_name\":"
          + " \"Bo\"}, \"chat\": {\"id\": -100, \"type\": \"group\"}, \"text\": \"hi\"";

  private static TelegramWire.Update parse(String json) throws IOException {
    return TelegramWire.parseUpdate(json.getBytes(StandardCharsets.UTF_8));
  }

  /** A reply whose replied-to message replies to another, {@code depth} levels in all. */
  static String replyChain(int depth) {
    StringBuilder json = new StringBuilder(GROUP_PREFIX);
    for (int i = 0; i < depth; i++) {
      json.append(", \"reply_to_message\": {\"message_id\": ")
          .append(i + 2)
          .append(", \"from\": {\"id\": 7000000001, \"is_bot\": true, \"first_name\": \"P\"}")
          .append(", \"chat\": {\"id\": -100, \"type\": \"group\"}, \"text\": \"t\"");
    }
    json.append("}".repeat(depth)).append("}}");
    return json.toString();
  }

  @Test
  void onlyTheRepliedToMessagesSenderIsRead() throws IOException {
    // Telegram never nests a reply inside a replied-to message; whatever is there is not read.
    String json =
        GROUP_PREFIX
            + ", \"reply_to_message\": {\"message_id\": 2, \"from\": {\"id\": 7000000001,"
            + " \"is_bot\": true, \"first_name\": \"P\"}, \"reply_to_message\": {\"message_id\":"
            + " \"not a number\", \"chat\": 5, \"entities\": {\"x\": 1}}}}}";
    var update = parse(json);
    assertEquals(7000000001L, update.message().replyToMessage().from().id());
  }

  @Test
  void aDeepReplyChainIsUnreadableNotAStackOverflow() {
    String json = replyChain(900);
    assertTrue(json.length() > 30_000, "about the 34 KB of the report");
    assertThrows(IOException.class, () -> parse(json));
  }

  @Test
  void aDeepReplyChainOnASmallStackIsUnreadableNotAStackOverflow() throws InterruptedException {
    // Pekko's dispatcher threads and the JDK's task threads may have far less stack than the
    // test's main thread; 256 KiB is plenty for the capped read.
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread reader =
        new Thread(
            null,
            () -> {
              try {
                parse(replyChain(900));
              } catch (Throwable e) {
                thrown.set(e);
              }
            },
            "small-stack",
            256 * 1024);
    reader.start();
    reader.join(10_000);
    assertInstanceOf(IOException.class, thrown.get());
  }

  @Test
  void nestingPastTheCapIsUnreadable() throws IOException {
    String nested = "[".repeat(70) + "]".repeat(70);
    assertThrows(IOException.class, () -> parse("{\"update_id\": 9, \"poll\": " + nested + "}"));
    String shallow = "[".repeat(50) + "]".repeat(50);
    assertEquals(9L, parse("{\"update_id\": 9, \"poll\": " + shallow + "}").updateId());
  }

  @Test
  void loneSurrogatesBecomeReplacementCharacters() throws IOException {
    String json =
        "{\"update_id\": 9, \"message\": {\"message_id\": 1, \"from\": {\"id\": 5, \"first_name\":"
            + " \"B\\ud83d\"}, \"chat\": {\"id\": 5, \"type\": \"private\"}, \"text\":"
            + " \"a\\ud83d b \\udc4b c \\ud83d\\udc4b\"}}";
    var message = parse(json).message();
    assertEquals("a\ufffd b \ufffd c \ud83d\udc4b", message.text());
    assertEquals("B\ufffd", message.from().firstName());
  }
}
