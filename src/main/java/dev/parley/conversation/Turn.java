package dev.parley.conversation;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.parley.CborSerializable;
import dev.parley.llm.Usage;
import java.time.Instant;
import java.util.List;

/**
 * A completed turn as the history holds it: user lines, tool calls in order, the reply, and what
 * became of the reply: {@code delivery} is pending, delivered or abandoned (with {@code
 * deliveryNote}: the reason, or the channel's latest status such as "read"), and {@code
 * channelMessageIds} are the messages the reply became.
 */
public record Turn(
    long turnId,
    List<UserLine> user,
    List<ToolCallRecord> toolCalls,
    String reply,
    Instant at,
    Delivery delivery,
    List<String> channelMessageIds,
    String deliveryNote,
    Usage usage,
    String model)
    implements CborSerializable {
  /**
   * What became of a turn's reply. Snapshots and the chat API hold its {@link #label} ({@code
   * "pending"}, …), as they held the plain string before; Jackson reads it back by that label.
   */
  public enum Delivery {
    /** Waiting in the outbox to be sent. */
    PENDING("pending"),
    /** Sent (or, on a channel that sends nothing, recorded). */
    DELIVERED("delivered"),
    /** Given up; {@code deliveryNote} says why. */
    ABANDONED("abandoned");

    private final String label;

    Delivery(String label) {
      this.label = label;
    }

    @JsonValue
    public String label() {
      return label;
    }
  }

  public Turn {
    user = List.copyOf(user);
    toolCalls = List.copyOf(toolCalls);
    channelMessageIds = channelMessageIds == null ? List.of() : List.copyOf(channelMessageIds);
  }

  public List<String> messageIds() {
    return user.stream().map(UserLine::id).toList();
  }

  Turn withDelivery(Delivery newDelivery, List<String> ids, String note) {
    return new Turn(turnId, user, toolCalls, reply, at, newDelivery, ids, note, usage, model);
  }

  /** The turn {@code completed} records, its reply in state {@code delivery}, not yet sent. */
  static Turn of(ConversationEvent.TurnCompleted completed, Delivery delivery) {
    return new Turn(
        completed.turnId(),
        completed.user(),
        completed.toolCalls(),
        completed.reply(),
        completed.at(),
        delivery,
        List.of(),
        null,
        completed.usage(),
        completed.model());
  }

  /** As kept before turns had their tokens and model (they read as null). */
  public Turn(
      long turnId,
      List<UserLine> user,
      List<ToolCallRecord> toolCalls,
      String reply,
      Instant at,
      Delivery delivery,
      List<String> channelMessageIds,
      String deliveryNote) {
    this(turnId, user, toolCalls, reply, at, delivery, channelMessageIds, deliveryNote, null, null);
  }
}
