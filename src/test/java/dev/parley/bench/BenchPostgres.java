package dev.parley.bench;

import dev.parley.FreePorts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL 16 the node journals into for {@code --db postgres}: the tests' embedded server
 * (io.zonky, real binaries) on 127.0.0.1, a free port and a fresh data directory removed at the
 * end, with a database {@code parley}. Unlike the tests' server it commits as a production server
 * does, {@code fsync} and {@code synchronous_commit} on: the embedded defaults (both off) would
 * acknowledge receipts before they are on disk and flatter the journal and the insert floor.
 */
final class BenchPostgres implements AutoCloseable {
  static final String USER = "postgres";
  static final String PASSWORD = "";

  private final EmbeddedPostgres server;
  private final Path dataDir;
  private final String url;

  private BenchPostgres(EmbeddedPostgres server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
    this.url = "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/parley";
  }

  static BenchPostgres start() {
    try {
      Path dataDir = Files.createTempDirectory("parley-bench-pg-");
      EmbeddedPostgres server =
          EmbeddedPostgres.builder()
              .setPort(FreePorts.pick())
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(true)
              // Overrides the embedded server's -F (fsync off) and synchronous_commit=off.
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("listen_addresses", "127.0.0.1")
              .start();
      try (Connection admin = server.getPostgresDatabase().getConnection();
          Statement create = admin.createStatement()) {
        create.execute("CREATE DATABASE parley");
      }
      return new BenchPostgres(server, dataDir);
    } catch (IOException | SQLException e) {
      throw new BenchFailure("the embedded PostgreSQL did not start: " + e, e);
    }
  }

  String url() {
    return url;
  }

  Connection open() throws SQLException {
    return DriverManager.getConnection(url, USER, PASSWORD);
  }

  /**
   * Bytes on disk of the journal: {@code event_journal} and {@code snapshot} with their indexes and
   * TOAST; 0 before the node created them.
   */
  long journalBytes() {
    try (Connection connection = open();
        Statement query = connection.createStatement();
        ResultSet row =
            query.executeQuery(
                "SELECT coalesce(pg_total_relation_size(to_regclass('event_journal')), 0)"
                    + " + coalesce(pg_total_relation_size(to_regclass('snapshot')), 0)")) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      throw new BenchFailure("could not read the journal's size from PostgreSQL: " + e, e);
    }
  }

  /** The server's version and the settings that decide what a commit costs, as one line. */
  String describe() {
    StringBuilder line = new StringBuilder();
    try (Connection connection = open();
        Statement query = connection.createStatement()) {
      for (String setting :
          new String[] {"server_version", "synchronous_commit", "fsync", "shared_buffers"}) {
        try (ResultSet row = query.executeQuery("SHOW " + setting)) {
          row.next();
          line.append(line.length() == 0 ? "" : ", ").append(setting).append('=');
          line.append(row.getString(1));
        }
      }
      return line.toString();
    } catch (SQLException e) {
      return "settings unreadable: " + e.getMessage();
    }
  }

  /**
   * The server's processes: the postmaster (from {@code postmaster.pid}) and its children. Their
   * CPU, read with {@link ProcessCpu}, includes backends that already ended.
   */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    try {
      long postmaster =
          Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
      pids.add(postmaster);
      ProcessHandle.of(postmaster)
          .ifPresent(handle -> handle.descendants().forEach(child -> pids.add(child.pid())));
    } catch (IOException | RuntimeException unreadable) {
      // Not running (any more): no CPU to count.
    }
    return pids;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      System.err.println("bench: stopping the embedded PostgreSQL: " + e);
    }
  }
}
