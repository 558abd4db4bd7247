package dev.parley;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * An embedded PostgreSQL of a test's own, on a data directory and a port that stay the same, so the
 * test can stop it under a running node and start it again: a database outage.
 */
final class StoppablePostgres implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  private StoppablePostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  /** A new server on a fresh data directory (named {@code prefix}...) and a free port, started. */
  static StoppablePostgres start(String prefix) {
    try {
      StoppablePostgres postgres =
          new StoppablePostgres(Files.createTempDirectory(prefix), FreePorts.pick());
      postgres.startAgain();
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A {@link TestNode}'s overrides that put its journal into this server (a new map). */
  Map<String, Object> nodeOverrides() {
    return new HashMap<>(
        new TestPostgres.Database(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "")
            .nodeOverrides(FreePorts.pick()));
  }

  /** Stops the server; its data stays for {@link #startAgain}. */
  void stop() throws IOException {
    server.close();
    server = null;
  }

  /** Starts the server on the same data directory and port. */
  void startAgain() {
    server =
        TestPostgres.startOwnServer(
            EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port));
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      stop();
    }
  }
}
