package dev.parley.conversation;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Removes every stored row (events, tags, snapshots) of one persistence id, atomically. The
 * journal's own delete keeps the highest event row, payload included, which an erasure must not
 * leave behind.
 */
public interface ConversationEraser {
  CompletionStage<Done> erase(String persistenceId);
}
