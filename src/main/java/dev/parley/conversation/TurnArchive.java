package dev.parley.conversation;

import dev.parley.conversation.ConversationEvent.ReplyAbandoned;
import dev.parley.conversation.ConversationEvent.ReplyDelivered;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        .runWith(Sink.seq(), system)
        .thenApply(events -> page(key, events, beforeTurnId, limit));
  }

  /** Folds the events into turns with their delivery state, then cuts the page. */
  private static List<Turn> page(String key, List<Object> events, long beforeTurnId, int limit) {
    boolean sends = !ConversationKey.parse(key).channel().equals("api");
    Map<String, Turn> byReply = new LinkedHashMap<>();
    for (Object event : events) {
      if (event instanceof TurnCompleted c && c.turnId() < beforeTurnId) {
        String delivery = sends ? Turn.PENDING : Turn.DELIVERED;
        byReply.put(
            PendingReply.forTurn(c.turnId()),
            new Turn(
                c.turnId(), c.user(), c.toolCalls(), c.reply(), c.at(), delivery, List.of(), null));
      } else if (event instanceof ReplyDelivered d && byReply.containsKey(d.replyId())) {
        byReply.computeIfPresent(
            d.replyId(), (id, t) -> t.withDelivery(Turn.DELIVERED, d.channelMessageIds(), null));
      } else if (event instanceof ReplyAbandoned a && byReply.containsKey(a.replyId())) {
        byReply.computeIfPresent(
            a.replyId(), (id, t) -> t.withDelivery(Turn.ABANDONED, List.of(), a.reason()));
      }
    }
    List<Turn> all = new ArrayList<>(byReply.values());
    return all.subList(Math.max(0, all.size() - limit), all.size());
  }
}
