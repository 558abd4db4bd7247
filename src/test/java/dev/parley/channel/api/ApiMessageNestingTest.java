package dev.parley.channel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The chat API reads bodies with the inbound nesting cap: deeper is bad JSON (400). */
class ApiMessageNestingTest {
  private final ApiMessageParser parser = new ApiMessageParser(1000);

  private static byte[] withExtra(String extra) {
    return ("{\"text\": \"hi\", \"extra\": " + extra + "}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aBodyNestedPastTheCapIsBadJson() {
    assertEquals("hi", parser.parse(withExtra("[".repeat(60) + "]".repeat(60))).text());
    BadRequest e =
        assertThrows(
            BadRequest.class, () -> parser.parse(withExtra("[".repeat(70) + "]".repeat(70))));
    assertEquals("bad-json", e.code());
  }
}
