package dev.parley.conversation;

import java.time.Duration;

/**
 * How long message ids are remembered: the newest {@code keepLast}, plus any younger than {@code
 * keepFor} (the senders' retry horizon), but never more than {@code max}. A redelivery of an id
 * forgotten under these limits is processed again.
 */
public record DedupeLimits(int keepLast, Duration keepFor, int max) {
  public static DedupeLimits from(ConversationSettings s) {
    return new DedupeLimits(s.dedupeKeepLast(), s.dedupeKeepFor(), s.dedupeMax());
  }
}
