package dev.parley.conversation;

import java.util.concurrent.CompletionStage;

/**
 * Whether a persistence id has anything stored, asked of the database directly: reading a
 * conversation that was never written must not start (and, with remember-entities, remember) an
 * entity for it.
 */
public interface JournalIndex {
  CompletionStage<Boolean> hasEvents(String persistenceId);
}
