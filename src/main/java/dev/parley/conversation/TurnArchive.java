package dev.parley.conversation;

import dev.parley.conversation.ConversationEvent.TurnCompleted;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Reads completed turns that have left an entity's in-memory window straight from the journal (a
 * read-side query; the entity is not involved). Each call scans the conversation's events from the
 * start: fine for paging back now and then, not for a hot path.
 */
public final class TurnArchive {
  private final ActorSystem<?> system;
  private final CurrentEventsByPersistenceIdQuery journal;

  public TurnArchive(ActorSystem<?> system, String readJournalPluginId) {
    this.system = system;
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, readJournalPluginId);
  }

  /** Up to {@code limit} newest completed turns with an id below {@code beforeTurnId}. */
  public CompletionStage<List<Turn>> turnsBefore(String key, long beforeTurnId, int limit) {
    return journal
        .currentEventsByPersistenceId(
            ConversationEntity.persistenceId(key).id(), 0L, Long.MAX_VALUE)
        .map(EventEnvelope::event)
        .filter(e -> e instanceof TurnCompleted c && c.turnId() < beforeTurnId)
        .map(e -> (TurnCompleted) e)
        .runWith(Sink.seq(), system)
        .thenApply(
            all -> {
              List<Turn> turns = new ArrayList<>();
              for (int i = Math.max(0, all.size() - limit); i < all.size(); i++) {
                TurnCompleted c = all.get(i);
                turns.add(new Turn(c.turnId(), c.user(), c.toolCalls(), c.reply(), c.at()));
              }
              return turns;
            });
  }
}
