package dev.parley.conversation;

import dev.parley.db.JdbcConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Looks up one row of pekko-persistence-jdbc's event_journal by persistence id (its primary key's
 * leading column, so an index lookup), on the blocking executor. Events are never deleted but by an
 * erasure, which deletes them all; so no event row means nothing was ever written, or it was
 * erased.
 */
public final class JdbcJournalIndex implements JournalIndex {
  private static final String SQL =
      "SELECT 1 FROM \"event_journal\" WHERE \"persistence_id\" = ? FETCH FIRST 1 ROWS ONLY";

  private final JdbcConnections connections;
  private final Executor blocking;

  public JdbcJournalIndex(JdbcConnections connections, Executor blocking) {
    this.connections = connections;
    this.blocking = blocking;
  }

  @Override
  public CompletionStage<Boolean> hasEvents(String persistenceId) {
    return CompletableFuture.supplyAsync(() -> lookUp(persistenceId), blocking);
  }

  private boolean lookUp(String persistenceId) {
    try (Connection connection = connections.open();
        PreparedStatement statement = connection.prepareStatement(SQL)) {
      statement.setString(1, persistenceId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "looking up " + persistenceId + " failed: " + e.getMessage(), e);
    }
  }
}
