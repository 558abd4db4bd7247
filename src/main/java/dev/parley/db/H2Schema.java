package dev.parley.db;

import java.sql.Connection;
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
 * Applies {@code schema/h2.sql} (pekko-persistence-jdbc's H2 tables, every statement idempotent)
 * through the journal's pool, on the blocking executor. H2 is embedded and serves one node, so no
 * lock is needed: the statements run one after another, and on a second start each finds its table
 * or index and does nothing.
 */
public final class H2Schema {
  /** The schema file on the classpath. */
  public static final String RESOURCE = "schema/h2.sql";

  private static final Logger log = LoggerFactory.getLogger(H2Schema.class);

  private final JdbcConnections connections;
  private final Executor blocking;

  public H2Schema(JdbcConnections connections, Executor blocking) {
    this.connections = connections;
    this.blocking = blocking;
  }

  /** Creates whatever is missing; runs on {@code blocking}, never on the caller's thread. */
  public CompletionStage<Done> apply() {
    return CompletableFuture.supplyAsync(this::applyNow, blocking);
  }

  private Done applyNow() {
    List<String> statements = statements();
    try (Connection connection = connections.open();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("applying " + RESOURCE + " failed: " + e.getMessage(), e);
    }
    log.debug("parley: H2 schema in place ({} statements)", statements.size());
    return Done.getInstance();
  }

  static List<String> statements() {
    return SchemaScript.statements(RESOURCE);
  }
}
