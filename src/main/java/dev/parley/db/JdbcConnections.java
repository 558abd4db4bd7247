package dev.parley.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens a connection from the journal's own pool (closing it gives it back). Everything Parley does
 * with JDBC outside the journal (schema, erasure, health check) goes through this, on the blocking
 * dispatcher, so there is one pool to size.
 */
@FunctionalInterface
public interface JdbcConnections {
  Connection open() throws SQLException;
}
