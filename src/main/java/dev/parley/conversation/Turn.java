package dev.parley.conversation;

import dev.parley.CborSerializable;
import java.time.Instant;
import java.util.List;

/** A completed turn as the history holds it: user lines, tool calls in order, the reply. */
public record Turn(
    long turnId, List<UserLine> user, List<ToolCallRecord> toolCalls, String reply, Instant at)
    implements CborSerializable {
  public Turn {
    user = List.copyOf(user);
    toolCalls = List.copyOf(toolCalls);
  }

  public List<String> messageIds() {
    return user.stream().map(UserLine::id).toList();
  }
}
