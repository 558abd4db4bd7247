/**
 * What a node needs to join or form a cluster and reach its journal: configuration derived from
 * Parley's settings and the start-up checks that refuse configurations which would split data. Must
 * not use conversation, channel or http.
 */
package dev.parley.cluster;
