package dev.parley.conversation;

import dev.parley.CborSerializable;
import java.util.List;

/**
 * A read of one conversation for the chat API: its key, whether a turn is running, how many
 * messages wait, and a page of completed turns (oldest first).
 */
public record ConversationView(
    String key,
    String state,
    int inbox,
    List<Turn> turns,
    boolean moreBefore,
    PendingConfirmation pendingConfirmation)
    implements CborSerializable {}
