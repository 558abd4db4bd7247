/**
 * What a node needs to join or form a cluster, reach its journal and tell the world how it is:
 * configuration derived from Parley's settings, the start-up checks that refuse configurations
 * which would split data, Pekko Management with Cluster Bootstrap, the readiness that goes false at
 * the start of coordinated shutdown, and this node's shard figures for metrics.
 *
 * <p>Readiness reuses Pekko's own checks where they exist (cluster membership, restricted to Up;
 * the sharding check, for the Conversation region) and adds only what Pekko lacks: a check that the
 * API listener is bound and shutdown has not started. Must not use conversation, channel or http;
 * the entity type whose shards are counted is handed in.
 */
package dev.parley.cluster;
