package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConversationKeyTest {
  @Test
  void parsesUserAndGroupKeys() {
    assertEquals("user:api:alice", ConversationKey.parse("user:api:alice").value());
    var topic = ConversationKey.parse("group:tg:-100123:42");
    assertEquals("group", topic.kind());
    assertEquals("tg", topic.channel());
    assertEquals("-100123:42", topic.id());
  }

  @Test
  void refusesMalformedKeys() {
    for (String bad :
        new String[] {
          "",
          "user",
          "user:api",
          "user:api:",
          "room:api:x",
          "user:sms:1",
          "user:api:a|b",
          "user:api:a b",
          "user:api:\u0000",
          "user:api:" + "x".repeat(200)
        }) {
      assertThrows(IllegalArgumentException.class, () -> ConversationKey.parse(bad), bad);
    }
  }

  @Test
  void acceptsAKeyOfExactlyTheMaximumLength() {
    String key = "user:api:" + "x".repeat(ConversationKey.MAX_LENGTH - 9);
    assertEquals(key, ConversationKey.parse(key).value());
  }
}
