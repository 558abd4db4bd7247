package dev.parley;

/**
 * Marker for every command, reply, event and state that Pekko serializes. Bound to Jackson CBOR in
 * {@code reference.conf}; Pekko ships no marker for application code.
 */
public interface CborSerializable {}
