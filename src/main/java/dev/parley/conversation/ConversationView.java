package dev.parley.conversation;

import dev.parley.CborSerializable;
import java.util.List;

/**
 * A read of one conversation for the chat API: its key, whether a turn is running, how many
 * messages wait, a page of completed turns (oldest first), and its memory (empty when it has none;
 * null only in a view from a node of an older version, read as empty).
 */
public record ConversationView(
    String key,
    String state,
    int inbox,
    List<Turn> turns,
    boolean moreBefore,
    PendingConfirmation pendingConfirmation,
    List<String> memory)
    implements CborSerializable {
  public ConversationView {
    memory = memory == null ? List.of() : List.copyOf(memory);
  }

  /** A view of a conversation with nothing remembered. */
  public ConversationView(
      String key,
      String state,
      int inbox,
      List<Turn> turns,
      boolean moreBefore,
      PendingConfirmation pendingConfirmation) {
    this(key, state, inbox, turns, moreBefore, pendingConfirmation, List.of());
  }
}
