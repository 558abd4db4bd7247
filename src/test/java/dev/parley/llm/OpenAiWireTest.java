package dev.parley.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The model server's answer is read with a nesting cap: deeper is unreadable, not recursion. */
class OpenAiWireTest {
  private static byte[] answerWith(String extra) {
    return ("{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": \"hi\"},"
            + " \"finish_reason\": \"stop\"}], \"extra\": "
            + extra
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anAnswerNestedPastTheCapIsUnreadable() {
    assertEquals(
        "hi", OpenAiWire.parseResponse(answerWith("[".repeat(60) + "]".repeat(60))).content());
    ModelException e =
        assertThrows(
            ModelException.class,
            () -> OpenAiWire.parseResponse(answerWith("[".repeat(70) + "]".repeat(70))));
    assertEquals("unreadable", e.code());
  }
}
