package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Statuses only move forward; a "failed" after delivery undoes nothing; labels are as stored. */
class ChannelStatusTest {

  @Test
  void statusesOnlyMoveForward() {
    assertEquals("read", ChannelStatus.merge("delivered", "read"));
    assertEquals("read", ChannelStatus.merge("read", "sent"));
    assertEquals("delivered", ChannelStatus.merge("failed", "delivered"));
  }

  @Test
  void failedCountsOnlyBeforeDelivery() {
    assertEquals("failed", ChannelStatus.merge("sent", "failed"));
    assertEquals("delivered", ChannelStatus.merge("delivered", "failed"));
    assertEquals("read", ChannelStatus.merge("read", "failed"));
  }

  @Test
  void unknownStatusesChangeNothingAndAreReplaced() {
    assertEquals("sent", ChannelStatus.merge("sent", "deleted"));
    assertNull(ChannelStatus.merge(null, "deleted"));
    assertEquals("sent", ChannelStatus.merge("bot was blocked", "sent"));
    assertEquals("read", ChannelStatus.merge(null, "read"));
  }

  @Test
  void labelsAreTheChannelsWords() {
    assertEquals(Optional.of(ChannelStatus.DELIVERED), ChannelStatus.parse("delivered"));
    assertTrue(ChannelStatus.known("read"));
    assertFalse(ChannelStatus.known("READ"));
    assertFalse(ChannelStatus.known(null));
  }

  @Test
  void errorCodesRoundTrip() {
    for (ConversationError error : ConversationError.values()) {
      assertEquals(Optional.of(error), ConversationError.ofCode(error.code()));
    }
    assertEquals("erasing", ConversationError.ERASING.code());
    assertTrue(ConversationError.ofCode("something-else").isEmpty());
  }
}
