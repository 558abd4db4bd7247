package dev.parley.tool.mcp;

import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.File;
import java.lang.reflect.Field;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The SDK transport for one connection attempt to a server: a fresh stdio transport (which starts
 * the server's program) or a Streamable HTTP one that sends the configured headers on every
 * request. A transport is never reused: each reconnect builds a new one. Once its client is closed,
 * the transport is {@linkplain Retirable#retire retired}: the SDK would otherwise connect it again
 * (starting a new program) on the next request of the closed client.
 */
final class McpTransports {
  private static final Logger log = LoggerFactory.getLogger(McpTransports.class);
  private static final McpJsonMapper MAPPER = new JacksonMcpJsonMapper(McpServers.JSON);

  private McpTransports() {}

  static McpClientTransport create(McpServerSettings server) {
    return server.url().isPresent()
        ? new RetirableHttp(http(server.url().get(), server.headers()))
        : new Stdio(server);
  }

  /** A transport that can be told never to connect again. */
  interface Retirable {
    /** From now on, {@code connect} fails at once. */
    void retire();
  }

  /**
   * What a retired transport fails with, connecting or sending (the SDK does not wait for its
   * connect, so the request that would re-initialize the client fails at once only by the send).
   */
  private static IllegalStateException closed() {
    return new IllegalStateException("the MCP connection was closed");
  }

  /** The SDK's Streamable HTTP transport, which cannot be extended, with a retired flag. */
  private static final class RetirableHttp implements McpClientTransport, Retirable {
    private final McpClientTransport http;
    private volatile boolean retired;

    RetirableHttp(McpClientTransport http) {
      this.http = http;
    }

    @Override
    public void retire() {
      retired = true;
    }

    @Override
    public Mono<Void> connect(
        Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
      return Mono.defer(() -> retired ? Mono.error(closed()) : http.connect(handler));
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
      http.setExceptionHandler(handler);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return http.closeGracefully();
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
      return retired ? Mono.error(closed()) : http.sendMessage(message);
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
      return http.unmarshalFrom(data, type);
    }

    @Override
    public List<String> protocolVersions() {
      return http.protocolVersions();
    }
  }

  private static McpClientTransport http(URI url, Map<String, String> headers) {
    String base = url.getScheme() + "://" + url.getRawAuthority();
    String endpoint =
        (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
            + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    return HttpClientStreamableHttpTransport.builder(base)
        .endpoint(endpoint)
        .jsonMapper(MAPPER)
        .httpRequestCustomizer(
            (request, method, uri, body, context) -> headers.forEach(request::setHeader))
        .build();
  }

  /**
   * The SDK's stdio transport, started in the server's {@code cwd} when it sets one, that tells
   * {@code onExit} when its program has exited (also during the first handshake, which the SDK
   * would otherwise wait out to its timeout). What the program writes to its stderr is logged at
   * DEBUG with the server's name (the SDK would log it at INFO, unnamed). The wait runs on a daemon
   * thread of its own, never an actor's or a caller's.
   */
  static final class Stdio extends StdioClientTransport implements Retirable {
    private final McpServerSettings server;
    private volatile Runnable onExit = () -> {};
    private volatile boolean exited;
    private volatile ProcessHandle process;
    private volatile boolean retired;

    Stdio(McpServerSettings server) {
      super(
          ServerParameters.builder(server.command().get(0))
              .args(server.command().subList(1, server.command().size()))
              .env(server.env())
              .build(),
          MAPPER);
      this.server = server;
      setStdErrorHandler(line -> log.debug("MCP server {} stderr: {}", server.name(), line));
    }

    @Override
    public void retire() {
      retired = true;
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
      return retired ? Mono.error(closed()) : super.sendMessage(message);
    }

    /** Whether the program has exited. */
    boolean exited() {
      return exited;
    }

    /** Set before the transport connects. */
    void onExit(Runnable onExit) {
      this.onExit = onExit;
    }

    @Override
    public Mono<Void> connect(
        Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
      // Checked when the SDK subscribes, which starts the program.
      return Mono.defer(() -> retired ? Mono.<Void>error(closed()) : Mono.<Void>empty())
          .then(super.connect(handler))
          .doOnSuccess(
              started -> {
                process = started();
                watch();
              });
    }

    /** The program and its descendants, while it lives; empty before it started or if unknown. */
    List<ProcessHandle> processTree() {
      ProcessHandle root = process;
      if (root == null) {
        return List.of();
      }
      List<ProcessHandle> tree = new ArrayList<>();
      tree.add(root);
      root.descendants().forEach(tree::add);
      return tree;
    }

    /**
     * The SDK's process, which it keeps to itself: read once, by reflection, right after it started
     * (null if the SDK no longer has that field, which only costs the forcible kill at close).
     */
    private ProcessHandle started() {
      try {
        Field field = StdioClientTransport.class.getDeclaredField("process");
        field.setAccessible(true);
        Object started = field.get(this);
        return started instanceof Process p ? p.toHandle() : null;
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.debug("MCP server {}: its process is unknown: {}", server.name(), e.toString());
        return null;
      }
    }

    private void watch() {
      Thread watcher =
          new Thread(
              () -> {
                try {
                  awaitForExit();
                } catch (RuntimeException e) {
                  // Interrupted or never started: treated as gone.
                }
                exited = true;
                onExit.run();
              },
              "parley-mcp-" + server.name());
      watcher.setDaemon(true);
      watcher.start();
    }

    /**
     * A builder with an empty environment: the SDK then adds only its safe defaults ({@code HOME},
     * {@code LOGNAME}, {@code PATH}, {@code SHELL}, {@code TERM}, {@code USER}) and the server's
     * {@code env}, never the node's own secrets (API tokens, database password).
     */
    @Override
    protected ProcessBuilder getProcessBuilder() {
      ProcessBuilder builder = new ProcessBuilder();
      builder.environment().clear();
      server.cwd().ifPresent(cwd -> builder.directory(new File(cwd)));
      return builder;
    }
  }
}
