package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A node without a bot token says so on the Telegram webhook, in the JSON error shape. */
@ExtendWith(LogCapturingExtension.class)
class TelegramOffTest {
  @Test
  void theWebhookOfAnUnconfiguredNodeSaysTelegramIsOff() {
    try (TestNode node = TestNode.start(Map.of())) {
      Reply reply = node.send("POST", "/webhooks/telegram", "{\"update_id\": 1}");
      assertEquals(404, reply.status(), reply.raw());
      assertEquals("telegram-off", reply.body().path("error").asText());
    }
  }
}
