package dev.parley.conversation;

import dev.parley.CborSerializable;
import java.util.List;

/**
 * How sending a reply ended: delivered (with the channel's ids of the messages it became, in order)
 * or abandoned for good with a reason (bot blocked, chat not found, outside the 24-hour window).
 * Transient failures never end here: the sender retries them.
 */
public sealed interface DeliveryResult extends CborSerializable {
  record Delivered(List<String> channelMessageIds) implements DeliveryResult {}

  record Abandoned(String reason) implements DeliveryResult {}
}
