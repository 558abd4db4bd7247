package dev.parley.conversation;

import dev.parley.conversation.ConversationEvent.HistoryCleared;
import dev.parley.conversation.ConversationEvent.ReplyAbandoned;
import dev.parley.conversation.ConversationEvent.ReplyDelivered;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.Turn.Delivery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;

/**
 * Reads completed turns that have left an entity's in-memory window straight from the journal (a
 * read-side query; the entity is not involved). Each call scans the conversation's events from the
 * start, holding no more than one page: fine for paging back now and then, not for a hot path. A
 * {@code HistoryCleared} drops the turns before it, as the entity does.
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
    boolean sends = !ConversationKey.parse(key).channel().equals("api");
    return journal
        .currentEventsByPersistenceId(
            ConversationEntity.persistenceId(key).id(), 0L, Long.MAX_VALUE)
        .map(EventEnvelope::event)
        .runFold(new Page(sends, beforeTurnId, limit), Page::add, system)
        .thenApply(page -> new ArrayList<>(page.byReply.values()));
  }

  /**
   * The page being folded from the events: turns with their delivery state, at most {@code limit}
   * of them, so that memory stays bounded however long the conversation. Turns come in id order, so
   * once {@code limit} newer ones are held an older one can no longer be on the page.
   */
  private static final class Page {
    private final boolean sends;
    private final long beforeTurnId;
    private final int limit;
    private final LinkedHashMap<String, Turn> byReply = new LinkedHashMap<>();

    Page(boolean sends, long beforeTurnId, int limit) {
      this.sends = sends;
      this.beforeTurnId = beforeTurnId;
      this.limit = limit;
    }

    Page add(Object event) {
      if (event instanceof TurnCompleted c && c.turnId() < beforeTurnId) {
        Delivery delivery = sends ? Delivery.PENDING : Delivery.DELIVERED;
        byReply.put(PendingReply.forTurn(c.turnId()), Turn.of(c, delivery));
        if (byReply.size() > limit) {
          byReply.remove(byReply.keySet().iterator().next());
        }
      } else if (event instanceof HistoryCleared) {
        // Every turn stored so far came before the one that cleared the history.
        byReply.clear();
      } else if (event instanceof ReplyDelivered d) {
        byReply.computeIfPresent(
            d.replyId(),
            (id, t) -> t.withDelivery(Delivery.DELIVERED, d.channelMessageIds(), null));
      } else if (event instanceof ReplyAbandoned a) {
        byReply.computeIfPresent(
            a.replyId(), (id, t) -> t.withDelivery(Delivery.ABANDONED, List.of(), a.reason()));
      }
      return this;
    }
  }
}
