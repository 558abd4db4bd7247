package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.conversation.ConversationEvent.ConfirmationRequested;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which phase a conversation is in: erasing wins, then a parked question, then a turn in flight.
 */
class PhaseTest {
  private static final Instant AT = Instant.parse("2026-11-27T07:00:00Z");
  private static final DedupeLimits LIMITS = new DedupeLimits(100, Duration.ofDays(1), 1000);

  private static final ConversationState WAITING =
      ConversationState.empty().accepted(new MessageAccepted("m1", "hi", "ann", AT), LIMITS);

  private static final ConversationState PARKED =
      WAITING.confirmationRequested(
          new ConfirmationRequested(
              new PendingConfirmation(
                  "k1", 1, 1, List.of(), List.of(), 1, "", List.of(), "Run it?", null, AT),
              AT),
          false);

  @Test
  void nothingInFlightIsIdleEvenWithMessagesWaiting() {
    assertEquals(Phase.IDLE, Phase.of(false, ConversationState.empty(), false));
    // A recovered entity: messages wait, but no call is in flight until Advance starts one.
    assertEquals(Phase.IDLE, Phase.of(false, WAITING, false));
  }

  @Test
  void aCallInFlightIsRunning() {
    assertEquals(Phase.RUNNING, Phase.of(false, WAITING, true));
  }

  @Test
  void aParkedQuestionIsAwaitingConfirmation() {
    assertEquals(Phase.AWAITING_CONFIRMATION, Phase.of(false, PARKED, false));
  }

  @Test
  void erasingWinsOverEverything() {
    assertEquals(Phase.ERASING, Phase.of(true, ConversationState.empty(), false));
    assertEquals(Phase.ERASING, Phase.of(true, PARKED, false));
    assertEquals(Phase.ERASING, Phase.of(true, WAITING, true));
  }
}
