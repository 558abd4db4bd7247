package dev.parley.conversation;

import java.util.List;

/**
 * Orders the statuses a channel reports for a sent message so they only move forward: sent, then
 * delivered, then read. Statuses arrive out of order (WhatsApp), so a late "sent" never undoes
 * "read". {@code failed} counts only before delivery: Meta documents a "failed" after "delivered"
 * for users with several devices (one device failed), which does not undo the delivery.
 */
final class ChannelStatus {
  private static final List<String> ORDER = List.of("sent", "failed", "delivered", "read");

  private ChannelStatus() {}

  static boolean known(String status) {
    return ORDER.contains(status);
  }

  /** The status to keep when {@code incoming} arrives on top of {@code current} (may be null). */
  static String merge(String current, String incoming) {
    if (!known(incoming)) {
      return current;
    }
    if (current == null || !known(current)) {
      return incoming;
    }
    if (incoming.equals("failed")) {
      return ORDER.indexOf(current) < ORDER.indexOf("delivered") ? "failed" : current;
    }
    return ORDER.indexOf(incoming) > ORDER.indexOf(current) ? incoming : current;
  }
}
