package dev.parley;

import dev.parley.conversation.ConversationEraser;
import dev.parley.conversation.JdbcJournalIndex;
import dev.parley.conversation.JournalIndex;
import dev.parley.db.DatabaseCheck;
import dev.parley.db.H2Housekeeping;
import dev.parley.db.H2Schema;
import dev.parley.db.JdbcConnections;
import dev.parley.db.JournalDatabase;
import dev.parley.db.JournalEraser;
import dev.parley.db.PostgresSchema;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import scala.concurrent.ExecutionContextExecutor;

/**
 * What a node does with the journal's database beside the journal plugin, all through the journal's
 * own pool and on the blocking dispatcher: the schema at start-up, the database check the readiness
 * detail shows, H2's housekeeping rounds, and the JDBC parts the conversations use (erasure, the
 * journal index), adapted here to the conversation's interfaces so that {@code db} knows nothing
 * above it.
 */
final class Storage {
  private final NodeSettings.Database settings;
  private final JdbcConnections connections;
  private final Executor blocking;
  private final DatabaseCheck check;

  private Storage(
      NodeSettings.Database settings,
      JdbcConnections connections,
      Executor blocking,
      DatabaseCheck check) {
    this.settings = settings;
    this.connections = connections;
    this.blocking = blocking;
    this.check = check;
  }

  /** The journal's pool and the first database check; on H2, housekeeping until shutdown. */
  static Storage open(ActorSystem<?> system, NodeSettings.Database settings, Clock clock) {
    Executor blocking = blockingDispatcher(system);
    JdbcConnections connections = JournalDatabase.connections(system);
    DatabaseCheck check = new DatabaseCheck(connections, blocking, settings.check(), clock);
    check.check();
    Storage storage = new Storage(settings, connections, blocking, check);
    if (settings.isH2()) {
      storage.keepH2Compact(system);
    }
    return storage;
  }

  private static ExecutionContextExecutor blockingDispatcher(ActorSystem<?> system) {
    return system.dispatchers().lookup(DispatcherSelector.fromConfig("parley.blocking-dispatcher"));
  }

  Executor blocking() {
    return blocking;
  }

  DatabaseCheck check() {
    return check;
  }

  /** Creates the journal's tables when auto-schema is on; completes at once when it is off. */
  CompletionStage<Done> applySchema() {
    if (!settings.autoSchema()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    // PostgreSQL: our own DDL under an advisory lock, since pods starting together must not race.
    return settings.isPostgres()
        ? new PostgresSchema(connections, blocking).apply()
        : new H2Schema(connections, blocking).apply();
  }

  ConversationEraser eraser() {
    return new JournalEraser(connections, blocking)::erase;
  }

  JournalIndex journalIndex() {
    return new JdbcJournalIndex(connections, blocking);
  }

  /** H2's housekeeping round, on the blocking dispatcher, until the node starts to stop. */
  private void keepH2Compact(ActorSystem<?> system) {
    H2Housekeeping housekeeping = new H2Housekeeping(connections);
    Cancellable rounds =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                settings.h2Housekeeping(),
                settings.h2Housekeeping(),
                housekeeping::round,
                blockingDispatcher(system));
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "parley-h2-housekeeping",
            () -> {
              rounds.cancel();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
  }
}
