package dev.parley.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code schema/postgres.sql} (idempotent DDL for pekko-persistence-jdbc's tables) in one
 * transaction that first takes a transaction-scoped PostgreSQL advisory lock: nodes starting
 * together run it one after another, so none of them trips over another's half-created table (a
 * bare {@code CREATE TABLE IF NOT EXISTS} races on PostgreSQL's catalog). The lock ends with the
 * transaction, also when the connection dies.
 */
public final class PostgresSchema {
  /** The schema file on the classpath; operators who apply it themselves take it from here. */
  public static final String RESOURCE = "schema/postgres.sql";

  /**
   * The advisory lock's key: any fixed number works, as long as every Parley node uses the same one
   * and nothing else in the database takes it. This one is "parley" in ASCII.
   */
  static final long LOCK_KEY = 0x7061726c6579L;

  private static final Logger log = LoggerFactory.getLogger(PostgresSchema.class);

  private final JdbcConnections connections;
  private final Executor blocking;

  public PostgresSchema(JdbcConnections connections, Executor blocking) {
    this.connections = connections;
    this.blocking = blocking;
  }

  /** Creates whatever is missing; runs on {@code blocking}, never on the caller's thread. */
  public CompletionStage<Done> apply() {
    return CompletableFuture.supplyAsync(this::applyNow, blocking);
  }

  private Done applyNow() {
    List<String> statements = statements();
    try (Connection connection = connections.open()) {
      connection.setAutoCommit(false);
      try {
        try (PreparedStatement lock =
            connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
          lock.setLong(1, LOCK_KEY);
          lock.execute();
        }
        try (Statement statement = connection.createStatement()) {
          for (String sql : statements) {
            statement.execute(sql);
          }
        }
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("applying " + RESOURCE + " failed: " + e.getMessage(), e);
    }
    log.info("parley: PostgreSQL schema in place ({} statements)", statements.size());
    return Done.getInstance();
  }

  /** The file's statements: comment lines dropped, split at a semicolon that ends a line. */
  static List<String> statements() {
    return SchemaScript.statements(RESOURCE);
  }
}
