/**
 * The journal's database as Parley manages it beside the journal plugin: the journal's own pool
 * ({@code JournalDatabase}), the schemas that ship in {@code schema/h2.sql} and {@code
 * schema/postgres.sql} and their application at start-up (PostgreSQL's under an advisory lock), the
 * database check, H2's housekeeping, and the erasure of one persistence id's rows. Uses only JDBC
 * (and the journal plugin's pool); must not use conversation, channel, http or cluster: {@code
 * Main}'s wiring adapts these classes to the conversation's interfaces.
 */
package dev.parley.db;
