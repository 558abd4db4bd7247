package dev.parley.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps H2's file near the size of its live data while the node runs, and puts it on the disk once
 * a round.
 *
 * <p>Parley runs H2 with {@code WRITE_DELAY=0}: every commit writes a new chunk of the file before
 * it returns, so a {@code kill -9} loses nothing acknowledged. But H2 starts its background thread
 * (which rewrites chunks that are mostly garbage, so that they can be freed) only for a write delay
 * above 0: without it a chunk is freed only when none of its pages is live any more, which rarely
 * happens, and the file grew by ~15-30 KB per message until the database closed. One round here
 * does what that thread would: it rewrites the live pages of sparse chunks ({@link
 * MVStore#compact(int, int)}, safe beside committing sessions: it takes the store's lock briefly
 * and the next commit writes the pages), then {@code CHECKPOINT SYNC} commits, frees the chunks no
 * version needs any more, and forces the file to the disk. A chunk is never freed before the
 * retention time ({@code RETENTION_TIME}, {@code parley.db.h2.retention}; see NodeConfig), so the
 * file holds what was written in the last seconds on top of the live data. Main schedules a round
 * every {@code parley.db.h2.housekeeping-interval}.
 *
 * <p>It does not move chunks towards the start of the file ({@code
 * RandomAccessStore.compactMoveChunks}): beside sessions that commit, that tripped an assertion
 * inside H2 (2.3.232) after a minute of a node under load, and H2 then closed the database.
 *
 * <p>Reaching the store takes H2's own classes ({@code JdbcConnection}, {@code SessionLocal}): the
 * database is embedded in this JVM, and H2 offers no SQL that compacts while it is open.
 */
public final class H2Housekeeping {
  private static final Logger log = LoggerFactory.getLogger(H2Housekeeping.class);

  /** Chunks less full than this (percent) have their live pages rewritten. */
  private static final int FILL_RATE = 90;

  /** At most this many bytes of chunks are rewritten per round, so a round stays short. */
  private static final int REWRITE_BYTES = 32 << 20;

  private final JdbcConnections connections;
  private volatile boolean warned;

  public H2Housekeeping(JdbcConnections connections) {
    this.connections = connections;
  }

  /**
   * One round; blocks on the database, so it runs on the blocking dispatcher. A failure (the
   * database closing at shutdown, a full disk) is logged once in a row and retried next round.
   */
  public void round() {
    try (Connection connection = connections.open()) {
      MVStore store = storeOf(connection);
      store.compact(FILL_RATE, REWRITE_BYTES);
      try (Statement statement = connection.createStatement()) {
        statement.execute("CHECKPOINT SYNC");
      }
      warned = false;
    } catch (SQLException | RuntimeException e) {
      if (!warned) {
        warned = true;
        log.warn("parley: H2 housekeeping failed; it is tried again every round", e);
      }
    }
  }

  private static MVStore storeOf(Connection connection) throws SQLException {
    JdbcConnection h2 = connection.unwrap(JdbcConnection.class);
    if (!(h2.getSession() instanceof SessionLocal session)) {
      throw new SQLException("H2 housekeeping needs the embedded database, not a server");
    }
    return session.getDatabase().getStore().getMvStore();
  }
}
