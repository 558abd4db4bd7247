package dev.parley.tool.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.tool.Tool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's MCP servers of {@code parley.tool.mcp.servers}: one {@link McpConnection} each (a
 * local program over stdio, or a server over Streamable HTTP), kept connected with backoff. Their
 * tools are offered as {@code <server>__<tool>}, all sharing the server's one client (calls may
 * overlap). The tool list changes at run time (a server reached late, a {@code tools/list_changed})
 * and is replaced as a whole, so a reader never sees half an update. A server that is down never
 * stops the node.
 */
public final class McpServers {
  private static final Logger log = LoggerFactory.getLogger(McpServers.class);

  /** How long an attempt waits for a server that sets no {@code timeout}. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  static final ObjectMapper JSON = new ObjectMapper();

  private final List<McpConnection> connections;
  private volatile List<Tool> tools = List.of();

  private McpServers(List<McpServerSettings> servers) {
    List<McpConnection> all = new ArrayList<>();
    for (McpServerSettings server : servers) {
      all.add(new McpConnection(server, this::refresh));
    }
    this.connections = List.copyOf(all);
  }

  /** No servers, no tools. */
  public static McpServers none() {
    return new McpServers(List.of());
  }

  /**
   * Connects every server at once and waits (only ever at start-up) until each first attempt has
   * ended, for at most the longest timeout and a little: the servers up by then are offered from
   * the first turn; the others follow when they are reached.
   */
  public static McpServers start(List<McpServerSettings> servers) {
    McpServers mcp = new McpServers(servers);
    Duration longest = DEFAULT_TIMEOUT;
    List<CompletableFuture<Void>> first = new ArrayList<>();
    for (McpConnection connection : mcp.connections) {
      first.add(connection.start().toCompletableFuture());
    }
    for (McpServerSettings server : servers) {
      longest = server.timeout().filter(t -> t.compareTo(DEFAULT_TIMEOUT) > 0).orElse(longest);
    }
    try {
      CompletableFuture.allOf(first.toArray(CompletableFuture[]::new))
          .get(longest.toMillis() * 2 + 5000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("MCP servers: not every first connection attempt ended in time: {}", reason(e));
    }
    return mcp;
  }

  /** Rebuilds the list of all servers' tools after one server's changed. */
  private synchronized void refresh() {
    List<Tool> all = new ArrayList<>();
    connections.forEach(connection -> all.addAll(connection.tools()));
    tools = List.copyOf(all);
  }

  /**
   * The tools of every server as last listed, in the order of the servers; a fresh list each
   * change.
   */
  public List<Tool> tools() {
    return tools;
  }

  /** Whether each server is connected now, by name, in the order of the servers. */
  public Map<String, Boolean> status() {
    Map<String, Boolean> status = new LinkedHashMap<>();
    connections.forEach(connection -> status.put(connection.name(), connection.up()));
    return status;
  }

  /** Stops reconnecting and closes every client; completes when all are closed. */
  public CompletionStage<Void> close() {
    return CompletableFuture.allOf(
        connections.stream()
            .map(connection -> connection.close().toCompletableFuture())
            .toArray(CompletableFuture[]::new));
  }

  static Throwable root(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  static String reason(Throwable e) {
    Throwable cause = root(e);
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
