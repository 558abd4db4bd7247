-- Parley's tables on PostgreSQL: the journal, tags, snapshots and durable state, exactly as
-- pekko-persistence-jdbc 1.1.1 reads and writes them (its schema/postgres/postgres-create-schema.sql),
-- changed in three ways:
--   * every statement is idempotent (IF NOT EXISTS), so running this file again is harmless;
--   * names are not qualified with "public": the tables go to the first schema on the user's
--     search_path, which is where the journal's unqualified queries look for them;
--   * indexes are created without CONCURRENTLY, which cannot run inside a transaction (Parley
--     applies this file in one transaction under an advisory lock; the tables are new then).
-- Parley applies it at start-up when PARLEY_DB_AUTO_SCHEMA is true. Operators who manage the
-- schema themselves run it once, e.g. psql -v ON_ERROR_STOP=1 -1 -f postgres.sql, as a user
-- allowed to create tables, and start Parley with PARLEY_DB_AUTO_SCHEMA=false.
-- Statements are separated by a semicolon at the end of a line.

CREATE TABLE IF NOT EXISTS event_journal(
  ordering BIGSERIAL,
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  deleted BOOLEAN DEFAULT FALSE NOT NULL,

  writer VARCHAR(255) NOT NULL,
  write_timestamp BIGINT,
  adapter_manifest VARCHAR(255),

  event_ser_id INTEGER NOT NULL,
  event_ser_manifest VARCHAR(255) NOT NULL,
  event_payload BYTEA NOT NULL,

  meta_ser_id INTEGER,
  meta_ser_manifest VARCHAR(255),
  meta_payload BYTEA,

  PRIMARY KEY(persistence_id, sequence_number)
);

CREATE UNIQUE INDEX IF NOT EXISTS event_journal_ordering_idx ON event_journal(ordering);

CREATE TABLE IF NOT EXISTS event_tag(
  event_id BIGINT,
  tag VARCHAR(256),
  PRIMARY KEY(event_id, tag),
  CONSTRAINT fk_event_journal
    FOREIGN KEY(event_id)
    REFERENCES event_journal(ordering)
    ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS snapshot(
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  created BIGINT NOT NULL,

  snapshot_ser_id INTEGER NOT NULL,
  snapshot_ser_manifest VARCHAR(255) NOT NULL,
  snapshot_payload BYTEA NOT NULL,

  meta_ser_id INTEGER,
  meta_ser_manifest VARCHAR(255),
  meta_payload BYTEA,

  PRIMARY KEY(persistence_id, sequence_number)
);

CREATE TABLE IF NOT EXISTS durable_state(
  global_offset BIGSERIAL,
  persistence_id VARCHAR(255) NOT NULL,
  revision BIGINT NOT NULL,
  state_payload BYTEA NOT NULL,
  state_serial_id INTEGER NOT NULL,
  state_serial_manifest VARCHAR(255),
  tag VARCHAR,
  state_timestamp BIGINT NOT NULL,
  PRIMARY KEY(persistence_id)
);

CREATE INDEX IF NOT EXISTS state_tag_idx ON durable_state(tag);

CREATE INDEX IF NOT EXISTS state_global_offset_idx ON durable_state(global_offset);
