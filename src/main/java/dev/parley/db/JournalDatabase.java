package dev.parley.db;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ExtensionId;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import slick.jdbc.JdbcBackend;

/**
 * The journal's own connection pool, as pekko-persistence-jdbc's {@code SlickExtension} holds it
 * for the {@code jdbc-journal} plugin. Everything Parley does with JDBC beside the journal goes
 * through it, so there is one pool to size (parley.db.pool-size).
 */
public final class JournalDatabase {
  private static final String JOURNAL_PLUGIN = "jdbc-journal";

  private JournalDatabase() {}

  /** Connections from the pool of {@code system}'s journal; closing one gives it back. */
  public static JdbcConnections connections(ActorSystem<?> system) {
    // Through the extension's id, typed: no cast to the implementation class.
    ExtensionId<SlickExtensionImpl> slick = SlickExtension.lookup();
    Config plugin = system.settings().config().getConfig(JOURNAL_PLUGIN);
    JdbcBackend.JdbcDatabaseDef database =
        slick.get(system.classicSystem()).database(plugin).database();
    return () -> database.source().createConnection();
  }
}
