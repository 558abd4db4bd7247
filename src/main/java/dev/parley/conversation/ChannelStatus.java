package dev.parley.conversation;

import java.util.Arrays;
import java.util.Optional;

/**
 * The statuses a channel reports for a sent message, in the order they may move: sent, then
 * delivered, then read. Statuses arrive out of order (WhatsApp), so a late "sent" never undoes
 * "read". {@link #FAILED} counts only before delivery: Meta documents a "failed" after "delivered"
 * for users with several devices (one device failed), which does not undo the delivery. Events and
 * state keep the {@link #label}, as the channel wrote it.
 */
enum ChannelStatus {
  // Declaration order is the order a status may move forward in.
  SENT("sent"),
  FAILED("failed"),
  DELIVERED("delivered"),
  READ("read");

  private final String label;

  ChannelStatus(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  static Optional<ChannelStatus> parse(String label) {
    return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst();
  }

  static boolean known(String label) {
    return parse(label).isPresent();
  }

  /**
   * The status to keep when {@code incoming} arrives on top of {@code current} (either may be null
   * or unknown: an unknown incoming changes nothing, an unknown current is replaced).
   */
  static String merge(String current, String incoming) {
    Optional<ChannelStatus> in = parse(incoming);
    if (in.isEmpty()) {
      return current;
    }
    Optional<ChannelStatus> now = parse(current);
    return now.isEmpty() ? incoming : now.get().then(in.get()).label;
  }

  /** The status to keep when {@code incoming} arrives on top of this one. */
  ChannelStatus then(ChannelStatus incoming) {
    if (incoming == FAILED) {
      return compareTo(DELIVERED) < 0 ? FAILED : this;
    }
    return incoming.compareTo(this) > 0 ? incoming : this;
  }
}
