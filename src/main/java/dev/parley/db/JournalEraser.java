package dev.parley.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;

/**
 * Erases one persistence id's rows from pekko-persistence-jdbc's tables (event_tag, event_journal,
 * snapshot) in one transaction, on the blocking executor: an erasure either removes everything or
 * nothing. The journal's own delete keeps the highest event row, payload included, which an erasure
 * must not leave behind.
 */
public final class JournalEraser {
  private static final String[] STATEMENTS = {
    "DELETE FROM \"event_tag\" WHERE \"event_id\" IN "
        + "(SELECT \"ordering\" FROM \"event_journal\" WHERE \"persistence_id\" = ?)",
    "DELETE FROM \"event_journal\" WHERE \"persistence_id\" = ?",
    "DELETE FROM \"snapshot\" WHERE \"persistence_id\" = ?"
  };

  private final JdbcConnections connections;
  private final Executor blocking;

  public JournalEraser(JdbcConnections connections, Executor blocking) {
    this.connections = connections;
    this.blocking = blocking;
  }

  /** Removes every row of {@code persistenceId}; fails (and removes nothing) on an SQL error. */
  public CompletionStage<Done> erase(String persistenceId) {
    return CompletableFuture.supplyAsync(() -> eraseNow(persistenceId), blocking);
  }

  private Done eraseNow(String persistenceId) {
    try (Connection connection = connections.open()) {
      connection.setAutoCommit(false);
      try {
        for (String sql : STATEMENTS) {
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, persistenceId);
            statement.executeUpdate();
          }
        }
        connection.commit();
        return Done.getInstance();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("erasing " + persistenceId + " failed: " + e.getMessage(), e);
    }
  }
}
