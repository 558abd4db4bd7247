package dev.parley.http;

import com.typesafe.config.Config;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.ReadJournalProvider;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A read journal whose every query fails, as the JDBC one does while the database is down: plugged
 * in as {@code jdbc-read-journal.class} so a node's journal writes still work but its archive reads
 * do not.
 */
public final class FailingReadJournal implements ReadJournalProvider {
  public FailingReadJournal(ExtendedActorSystem system, Config config) {}

  @Override
  public org.apache.pekko.persistence.query.scaladsl.ReadJournal scaladslReadJournal() {
    return new org.apache.pekko.persistence.query.scaladsl.ReadJournal() {};
  }

  @Override
  public ReadJournal javadslReadJournal() {
    return new Failing();
  }

  private static final class Failing implements CurrentEventsByPersistenceIdQuery {
    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(
        String persistenceId, long fromSequenceNr, long toSequenceNr) {
      return Source.failed(new IllegalStateException("the database is down (test)"));
    }
  }
}
