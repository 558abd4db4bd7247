package dev.parley.tool.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * A real MCP server over Streamable HTTP for the tests: the SDK's own servlet transport with {@link
 * CalcMcpServer}'s tools, in an embedded Tomcat on 127.0.0.1 at {@code /mcp}. It keeps the {@code
 * Authorization} header of every request it receives. Two tools of its own never reach the SDK: a
 * call of {@code status500} is answered HTTP 500, one of {@code garbage} a 200 whose body is no
 * JSON. A call of {@code hold} reaches the SDK, counts {@link #held} down and never answers until
 * the server is {@linkplain #kill killed}: a call surely in flight. {@code port} 0 takes a free
 * port; a stopped or killed server can be started again on the port it had.
 */
final class HttpMcpServer implements AutoCloseable {
  private final Tomcat tomcat;
  private final McpSyncServer server;
  private final int port;
  final List<String> authorizations = new CopyOnWriteArrayList<>();

  /** Counted down when a call of {@code hold} has reached the server's tool. */
  final CountDownLatch held = new CountDownLatch(1);

  // Opened by kill, after the connections are gone: the held call's thread then ends.
  private final CountDownLatch release = new CountDownLatch(1);

  private HttpMcpServer(int port) throws Exception {
    var mapper = new JacksonMcpJsonMapper(new ObjectMapper());
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(mapper)
            .mcpEndpoint("/mcp")
            .build();
    AtomicReference<McpSyncServer> self = new AtomicReference<>();
    server =
        McpServer.sync(transport)
            .serverInfo("calc-http", "1")
            .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
            .tools(tools(mapper, self, held, release))
            .build();
    self.set(server);
    HttpServlet recording =
        new HttpServlet() {
          @Override
          protected void service(HttpServletRequest request, HttpServletResponse response)
              throws IOException, jakarta.servlet.ServletException {
            String authorization = request.getHeader("Authorization");
            authorizations.add(authorization == null ? "" : authorization);
            byte[] body = request.getInputStream().readAllBytes();
            String text = new String(body, StandardCharsets.UTF_8);
            if (text.contains("\"tools/call\"") && text.contains("\"status500\"")) {
              response.setStatus(500);
              response.getWriter().write("internal error, secret body");
              return;
            }
            if (text.contains("\"tools/call\"") && text.contains("\"garbage\"")) {
              response.setStatus(200);
              response.setContentType("application/json");
              response.getWriter().write("{this is no json, secret body");
              return;
            }
            transport.service(new Replayed(request, body), response);
          }
        };
    tomcat = new Tomcat();
    String base = Files.createTempDirectory("parley-mcp-tomcat").toString();
    tomcat.setBaseDir(base);
    Connector connector = new Connector();
    connector.setPort(port);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", base);
    Wrapper wrapper = Tomcat.addServlet(context, "mcp", recording);
    wrapper.setAsyncSupported(true);
    context.addServletMappingDecoded("/*", "mcp");
    tomcat.start();
    this.port = connector.getLocalPort();
  }

  private static List<McpServerFeatures.SyncToolSpecification> tools(
      JacksonMcpJsonMapper mapper,
      AtomicReference<McpSyncServer> self,
      CountDownLatch held,
      CountDownLatch release) {
    List<McpServerFeatures.SyncToolSpecification> tools =
        new ArrayList<>(CalcMcpServer.tools(mapper, self));
    tools.add(
        McpServerFeatures.SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder()
                    .name("hold")
                    .description("Never answers while the server lives.")
                    .inputSchema(mapper, "{\"type\":\"object\",\"properties\":{}}")
                    .build())
            .callHandler(
                (exchange, request) -> {
                  held.countDown();
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return McpSchema.CallToolResult.builder().addTextContent("released").build();
                })
            .build());
    for (String name : List.of("status500", "garbage")) {
      tools.add(
          McpServerFeatures.SyncToolSpecification.builder()
              .tool(
                  McpSchema.Tool.builder()
                      .name(name)
                      .description("Answered by the servlet, never by the SDK.")
                      .inputSchema(mapper, "{\"type\":\"object\",\"properties\":{}}")
                      .build())
              .callHandler(
                  (exchange, request) ->
                      McpSchema.CallToolResult.builder().addTextContent("unreached").build())
              .build());
    }
    return tools;
  }

  /** {@code request} with its body, already read, to be read again. */
  private static final class Replayed extends HttpServletRequestWrapper {
    private final byte[] body;

    Replayed(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException();
        }

        @Override
        public int read() {
          return in.read();
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
    }
  }

  static HttpMcpServer start(int port) throws Exception {
    return new HttpMcpServer(port);
  }

  int port() {
    return port;
  }

  /**
   * Stops the server abruptly, as if its process died: no graceful close of the MCP sessions, and
   * its connector stopped first, which closes the listening socket and every open connection (also
   * the one a held call waits on: the client reads EOF, no response) at once; {@code tomcat.stop()}
   * alone would first wait for the held request. Only then is the held call let go, its answer
   * having nowhere to go.
   */
  void kill() throws Exception {
    tomcat.getConnector().stop();
    tomcat.stop();
    tomcat.destroy();
    release.countDown();
  }

  @Override
  public void close() throws Exception {
    server.closeGracefully();
    tomcat.stop();
    tomcat.destroy();
  }
}
