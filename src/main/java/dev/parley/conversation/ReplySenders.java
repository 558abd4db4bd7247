package dev.parley.conversation;

import java.util.Map;

/**
 * The reply senders by channel ({@code tg}, {@code wa}). The chat API ({@code api}) has none: its
 * replies are delivered once recorded. A conversation of a channel that is not configured keeps its
 * replies pending until the channel is.
 */
public record ReplySenders(Map<String, ReplySender> byChannel) {
  public ReplySenders {
    byChannel = Map.copyOf(byChannel);
  }

  public static ReplySenders none() {
    return new ReplySenders(Map.of());
  }

  /** The sender for a channel, or null when replies of that channel need no sending. */
  public ReplySender forChannel(String channel) {
    return byChannel.get(channel);
  }
}
