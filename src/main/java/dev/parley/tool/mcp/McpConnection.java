package dev.parley.tool.mcp;

import dev.parley.tool.Tool;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The node's one client of one MCP server, kept connected: a server that cannot be reached (or
 * started) is tried again, and a server that goes away (its program exits, or a call fails on the
 * transport) is reconnected (a stdio server is started anew), each after the server's backoff;
 * attempts never stop until the node does. Every attempt and every wait runs on Reactor's
 * schedulers, never on a caller's thread. The tools last listed stay offered while the server is
 * down (they answer that it is unavailable); a server never reached has none. A {@code
 * tools/list_changed} notification replaces the list.
 */
final class McpConnection {
  private static final Logger log = LoggerFactory.getLogger(McpConnection.class);

  /** How long a client's graceful close may take before its processes are destroyed. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  /** The most pages of tools read from one server. */
  static final int MAX_PAGES = 100;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  private final McpServerSettings server;
  private final Runnable changed;
  private final Duration timeout;
  // The connected client; null while the server is down.
  private final AtomicReference<McpAsyncClient> live = new AtomicReference<>();
  // Attempts that failed, and connections lost soon after they were made, since the server last
  // stayed up for reconnect-max: picks the next pause.
  private final AtomicInteger failures = new AtomicInteger();
  // When the live client connected (System.nanoTime()).
  private volatile long upSince;
  private volatile List<Tool> tools = List.of();
  private volatile boolean closing;
  private volatile Disposable retry;
  // Every client not yet closed (the live one, an attempt's) with its transport.
  private final Map<McpAsyncClient, McpClientTransport> clients = new ConcurrentHashMap<>();

  /** {@code changed} is told whenever the tools or the up/down state change. */
  McpConnection(McpServerSettings server, Runnable changed) {
    this.server = server;
    this.changed = changed;
    this.timeout = server.timeout().orElse(McpServers.DEFAULT_TIMEOUT);
  }

  String name() {
    return server.name();
  }

  boolean up() {
    return live.get() != null;
  }

  /** The server's tools as last listed; empty before it was first reached. */
  List<Tool> tools() {
    return tools;
  }

  /** The connected client, or null while the server is down. */
  McpAsyncClient client() {
    return live.get();
  }

  /** Makes the first attempt; completes when it has ended, whether the server is up or not. */
  CompletionStage<Void> start() {
    return attempt();
  }

  private CompletableFuture<Void> attempt() {
    if (closing) {
      return CompletableFuture.completedFuture(null);
    }
    McpClientTransport transport;
    AtomicReference<McpAsyncClient> self = new AtomicReference<>();
    // A tools/list_changed that came while this attempt was listing: list again once live.
    AtomicBoolean relist = new AtomicBoolean();
    McpAsyncClient client;
    try {
      transport = McpTransports.create(server);
      client =
          McpClient.async(transport)
              .requestTimeout(timeout)
              .initializationTimeout(timeout)
              .clientInfo(new McpSchema.Implementation("parley", "1"))
              .toolsChangeConsumer(
                  listed -> Mono.fromRunnable(() -> relisted(self.get(), listed, relist)))
              .build();
    } catch (RuntimeException e) {
      // The settings themselves are unusable (the SDK refused them): no retry can help.
      log.warn("MCP server {} cannot be used: {}", server.name(), McpServers.reason(e));
      return CompletableFuture.completedFuture(null);
    }
    self.set(client);
    clients.put(client, transport);
    if (transport instanceof McpTransports.Stdio stdio) {
      stdio.onExit(() -> exited(client));
    }
    // Starting a stdio server's program may block briefly: on the elastic scheduler.
    return Mono.defer(client::initialize)
        .subscribeOn(Schedulers.boundedElastic())
        .then(Mono.defer(() -> listAll(client)))
        .toFuture()
        .handle(
            (listed, error) -> {
              if (error == null) {
                connected(client, transport, listed, relist);
              } else {
                failed(client, error);
              }
              return null;
            });
  }

  /**
   * Every page of the server's tools, following its cursors: at most {@link #MAX_PAGES} pages, and
   * never a cursor twice (a server that loops would otherwise be listed forever).
   */
  private static Mono<List<McpSchema.Tool>> listAll(McpAsyncClient client) {
    Set<String> cursors = ConcurrentHashMap.newKeySet();
    return client
        .listTools(null)
        .expand(
            page ->
                page.nextCursor() == null || !cursors.add(page.nextCursor())
                    ? Mono.empty()
                    : client.listTools(page.nextCursor()))
        .take(MAX_PAGES)
        .flatMapIterable(page -> page.tools() == null ? List.of() : page.tools())
        .collectList();
  }

  private void connected(
      McpAsyncClient client,
      McpClientTransport transport,
      List<McpSchema.Tool> listed,
      AtomicBoolean relist) {
    if (closing) {
      close(client).subscribe();
      return;
    }
    offer(listed);
    upSince = System.nanoTime();
    live.set(client);
    changed.run();
    if (transport instanceof McpTransports.Stdio stdio && stdio.exited()) {
      lost(client, "exited"); // before it was watched as live
      return;
    }
    if (relist.getAndSet(false)) {
      listAll(client)
          .subscribe(
              again -> relisted(client, again, relist),
              error ->
                  log.debug(
                      "MCP server {}: listing its changed tools failed: {}",
                      server.name(),
                      McpServers.reason(error)));
    }
  }

  /**
   * The server's new list, from its {@code tools/list_changed}; ignored from an old client. One
   * that comes before the attempt's client is live (while it lists) is marked in {@code relist}:
   * the list it was reading may be the old one, so it is read again once live.
   */
  private void relisted(McpAsyncClient client, List<McpSchema.Tool> listed, AtomicBoolean relist) {
    if (closing || client == null) {
      return;
    }
    if (live.get() != client) {
      relist.set(true);
      return;
    }
    offer(listed);
    changed.run();
  }

  private void offer(List<McpSchema.Tool> listed) {
    List<Tool> offered = new ArrayList<>();
    for (McpSchema.Tool tool : listed) {
      if (!server.offers(tool.name())) {
        continue;
      }
      String name = server.name() + "__" + tool.name();
      if (!NAME.matcher(name).matches()) {
        log.warn(
            "MCP tool {} of server {} is left out: \"{}\" is not 1 to 64 of a-z, A-Z, 0-9, _"
                + " and -",
            tool.name(),
            server.name(),
            name);
        continue;
      }
      String schema;
      try {
        schema = McpServers.JSON.writeValueAsString(tool.inputSchema());
      } catch (Exception e) {
        log.warn("MCP tool {} of server {} is left out: unreadable schema", tool.name(), name);
        continue;
      }
      offered.add(new McpTool(name, server, tool, schema, this));
    }
    tools = List.copyOf(offered);
    log.info(
        "MCP server {} offers {} of its {} tools", server.name(), offered.size(), listed.size());
  }

  private void failed(McpAsyncClient client, Throwable error) {
    close(client).subscribe();
    if (closing) {
      return;
    }
    int failed = failures.incrementAndGet();
    Duration pause = server.reconnect().delay(failed);
    // The command or the URL may be logged; the environment and the headers (secrets) never are.
    if (failed == 1) {
      log.warn(
          "MCP server {} ({}) is unavailable, trying again in {} ms and on: {}",
          server.name(),
          server.target(),
          pause.toMillis(),
          McpServers.reason(error));
    } else {
      log.debug(
          "MCP server {} is still unavailable (attempt {}): {}",
          server.name(),
          failed,
          McpServers.reason(error));
    }
    retryAfter(pause);
  }

  /**
   * The server behind {@code client} went away: its tools answer unavailable from now on, and a
   * reconnect follows. Only the first report about one client counts.
   */
  void lost(McpAsyncClient client, String why) {
    if (closing || !live.compareAndSet(client, null)) {
      return;
    }
    changed.run();
    close(client).subscribe();
    Duration upFor = Duration.ofNanos(System.nanoTime() - upSince);
    int failed = failures.updateAndGet(before -> failuresAfterLoss(before, upFor));
    Duration pause = server.reconnect().delay(failed);
    log.warn(
        "MCP server {} {}; its tools are unavailable, reconnecting in {} ms",
        server.name(),
        why,
        pause.toMillis());
    retryAfter(pause);
  }

  /**
   * The failure count once a connection that was up for {@code upFor} is lost, {@code before} being
   * the count when it connected: the count starts over only after a connection stayed up for at
   * least {@code reconnect-max}, so a server that fails soon after each handshake backs off up to
   * {@code reconnect-max} like one that cannot be reached.
   */
  int failuresAfterLoss(int before, Duration upFor) {
    return (upFor.compareTo(server.reconnect().max()) >= 0 ? 0 : before) + 1;
  }

  /**
   * A call on {@code client} failed with {@code error}: the server is lost only when the connection
   * itself failed (see {@link McpCallErrors#connectionLost}); any other error (an HTTP 500, a
   * response that is no JSON-RPC) fails that call alone. Returns what the call fails with: the
   * server's own error or a timeout as they are, anything else as a short message naming the cause
   * (never a whole response body, which is logged at DEBUG only).
   */
  Throwable callFailed(McpAsyncClient client, Throwable error) {
    if (McpCallErrors.connectionLost(error)) {
      lost(client, "failed a call (" + McpServers.reason(error) + ")");
      return error;
    }
    Throwable cause = McpServers.root(error);
    if (cause instanceof McpError || cause instanceof TimeoutException) {
      return error; // the server answered with an error, or is slow: it is still there
    }
    log.debug("MCP server {} failed a call: {}", server.name(), McpServers.reason(error));
    return new IllegalStateException(
        "tool server " + server.name() + " failed the call: " + McpCallErrors.brief(error));
  }

  private void retryAfter(Duration pause) {
    retry = Mono.delay(pause).subscribe(tick -> attempt());
  }

  /**
   * The program behind {@code client} exited: the server is lost if it was up; during the
   * handshake, closing the client ends the attempt now rather than at its timeout.
   */
  private void exited(McpAsyncClient client) {
    if (live.get() == client) {
      lost(client, "exited");
    } else {
      close(client).subscribe();
    }
  }

  /**
   * Stops reconnecting and closes every client (the live one and an attempt's), which ends a stdio
   * server's program; completes when all are closed.
   */
  CompletionStage<Void> close() {
    closing = true;
    Disposable pending = retry;
    if (pending != null) {
      pending.dispose();
    }
    live.set(null);
    return Flux.fromIterable(List.copyOf(clients.keySet())).flatMap(this::close).then().toFuture();
  }

  /**
   * Closes {@code client} (once; a second close completes at once): gracefully for at most {@link
   * #CLOSE_GRACE}, then the stdio program and every process it started that is still alive are
   * destroyed forcibly.
   */
  private Mono<Void> close(McpAsyncClient client) {
    McpClientTransport transport = clients.remove(client);
    if (transport == null) {
      return Mono.empty();
    }
    if (transport instanceof McpTransports.Retirable retirable) {
      retirable.retire(); // a closed client would otherwise connect it again on its next request
    }
    // Its descendants are known only while it lives: taken now, before it is asked to stop.
    List<ProcessHandle> tree =
        transport instanceof McpTransports.Stdio stdio ? stdio.processTree() : List.of();
    return client
        .closeGracefully()
        .onErrorResume(error -> Mono.empty())
        .timeout(CLOSE_GRACE, Mono.empty())
        .then(
            Mono.fromRunnable(
                () -> {
                  for (ProcessHandle process : tree) {
                    if (process.isAlive()) {
                      log.debug(
                          "MCP server {}: destroying process {}", server.name(), process.pid());
                      process.destroyForcibly();
                    }
                  }
                }))
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }
}
