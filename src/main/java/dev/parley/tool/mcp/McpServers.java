package dev.parley.tool.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.tool.Tool;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The node's MCP servers of {@code parley.tool.mcp.servers}: each one started as a local program
 * talking MCP over its stdin and stdout, initialized and asked for its tools once, at start-up. Its
 * tools are offered as {@code <server>__<tool>}, all sharing the server's one client (calls may
 * overlap). A server that cannot be started, initialized or listed is left out with one WARN line,
 * and the node starts without its tools. Restarting a server that dies and following its {@code
 * tools/list_changed} notifications are not supported yet.
 */
public final class McpServers {
  private static final Logger log = LoggerFactory.getLogger(McpServers.class);

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  /** How long start-up waits for a server that sets no {@code timeout}. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  static final ObjectMapper JSON = new ObjectMapper();
  private static final McpJsonMapper MAPPER = new JacksonMcpJsonMapper(JSON);

  private final List<McpAsyncClient> clients;
  private final List<Tool> tools;
  private final AtomicBoolean closing;

  private McpServers(List<McpAsyncClient> clients, List<Tool> tools, AtomicBoolean closing) {
    this.clients = List.copyOf(clients);
    this.tools = List.copyOf(tools);
    this.closing = closing;
  }

  /** No servers, no tools. */
  public static McpServers none() {
    return new McpServers(List.of(), List.of(), new AtomicBoolean());
  }

  /**
   * Starts every server and lists its tools, one after the other; this blocks (only ever at
   * start-up) for at most each server's timeout.
   */
  public static McpServers start(List<McpServerSettings> servers) {
    List<McpAsyncClient> clients = new ArrayList<>();
    List<Tool> tools = new ArrayList<>();
    AtomicBoolean closing = new AtomicBoolean();
    for (McpServerSettings server : servers) {
      Duration timeout = server.timeout().orElse(DEFAULT_TIMEOUT);
      Transport transport = new Transport(server);
      McpAsyncClient client =
          McpClient.async(transport)
              .requestTimeout(timeout)
              .initializationTimeout(timeout)
              .clientInfo(new McpSchema.Implementation("parley", "1"))
              .build();
      List<McpSchema.Tool> listed;
      try {
        client.initialize().block(timeout);
        listed = listAll(client, timeout);
      } catch (RuntimeException e) {
        // The command and its arguments may be logged; the environment (secrets) never is.
        log.warn(
            "MCP server {} ({}) is unavailable, its tools are left out: {}",
            server.name(),
            server.command().get(0),
            reason(e));
        client.closeGracefully().onErrorResume(error -> Mono.empty()).subscribe();
        continue;
      }
      clients.add(client);
      AtomicBoolean available = new AtomicBoolean(true);
      watch(server, transport, client, available, closing);
      int offered = 0;
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
        tools.add(new McpTool(name, server, tool, schemaText(tool), client, available::get));
        offered++;
      }
      log.info("MCP server {} offers {} of its {} tools", server.name(), offered, listed.size());
    }
    return new McpServers(clients, tools, closing);
  }

  /**
   * Waits on a thread of its own (never an actor's or a caller's) for the server's program to exit;
   * from then on its tools answer that the server is unavailable, and the client is closed, which
   * ends the calls still waiting for an answer.
   */
  private static void watch(
      McpServerSettings server,
      Transport transport,
      McpAsyncClient client,
      AtomicBoolean available,
      AtomicBoolean closing) {
    Thread watcher =
        new Thread(
            () -> {
              try {
                transport.awaitForExit();
              } catch (RuntimeException e) {
                // Interrupted or never started: treated as gone.
              }
              available.set(false);
              if (!closing.get()) {
                log.warn(
                    "MCP server {} exited; its tools are unavailable (restarting is not supported"
                        + " yet)",
                    server.name());
                client.closeGracefully().onErrorResume(error -> Mono.empty()).subscribe();
              }
            },
            "parley-mcp-" + server.name());
    watcher.setDaemon(true);
    watcher.start();
  }

  private static List<McpSchema.Tool> listAll(McpAsyncClient client, Duration timeout) {
    List<McpSchema.Tool> all = new ArrayList<>();
    String cursor = null;
    do {
      McpSchema.ListToolsResult page = client.listTools(cursor).block(timeout);
      if (page == null) {
        break;
      }
      all.addAll(page.tools());
      cursor = page.nextCursor();
    } while (cursor != null);
    return all;
  }

  private static String schemaText(McpSchema.Tool tool) {
    try {
      return JSON.writeValueAsString(tool.inputSchema());
    } catch (Exception e) {
      throw new IllegalStateException("MCP tool " + tool.name() + ": unreadable input schema", e);
    }
  }

  private static String reason(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** The tools of every server that started, in the order of the servers. */
  public List<Tool> tools() {
    return tools;
  }

  /** Closes every client, which ends its server's program; completes when all are closed. */
  public CompletionStage<Void> close() {
    closing.set(true);
    return CompletableFuture.allOf(
        clients.stream()
            .map(client -> client.closeGracefully().onErrorResume(error -> Mono.empty()).toFuture())
            .toArray(CompletableFuture[]::new));
  }

  /** The SDK's stdio transport, started in the server's {@code cwd} when it sets one. */
  private static final class Transport extends StdioClientTransport {
    private final McpServerSettings server;

    Transport(McpServerSettings server) {
      super(
          ServerParameters.builder(server.command().get(0))
              .args(server.command().subList(1, server.command().size()))
              .env(server.env())
              .build(),
          MAPPER);
      this.server = server;
    }

    @Override
    protected ProcessBuilder getProcessBuilder() {
      ProcessBuilder builder = new ProcessBuilder();
      server.cwd().ifPresent(cwd -> builder.directory(new File(cwd)));
      return builder;
    }
  }
}
