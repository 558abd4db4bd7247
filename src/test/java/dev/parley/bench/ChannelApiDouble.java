package dev.parley.bench;

import java.util.Map;

/**
 * A double of a channel's API that the node sends its replies to: a {@link DoubleServer} that hands
 * every reply's chat and arrival time to {@link ChannelReplies} and counts its calls by kind.
 */
abstract class ChannelApiDouble implements AutoCloseable {
  private final String name;
  DoubleServer server;

  ChannelApiDouble(String name) {
    this.name = name;
  }

  /** The double as the report names it ({@code Bot API double}). */
  String name() {
    return name;
  }

  /** The root to give the node as the channel's API URL. */
  abstract String url();

  /** Calls by kind, sorted by name. */
  Map<String, Long> calls() {
    return server.calls();
  }

  @Override
  public void close() {
    server.unbind(name);
  }
}
