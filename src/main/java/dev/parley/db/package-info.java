/**
 * The journal's database as Parley manages it: the PostgreSQL schema that ships in {@code
 * schema/postgres.sql} and its application at start-up under an advisory lock. Uses only JDBC; must
 * not use conversation, channel, http or cluster.
 */
package dev.parley.db;
