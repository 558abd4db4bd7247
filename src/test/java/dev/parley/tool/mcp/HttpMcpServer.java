package dev.parley.tool.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * A real MCP server over Streamable HTTP for the tests: the SDK's own servlet transport with {@link
 * CalcMcpServer}'s tools, in an embedded Tomcat on 127.0.0.1 at {@code /mcp}. It keeps the {@code
 * Authorization} header of every request it receives. {@code port} 0 takes a free port; a stopped
 * server can be started again on the port it had.
 */
final class HttpMcpServer implements AutoCloseable {
  private final Tomcat tomcat;
  private final McpSyncServer server;
  private final int port;
  final List<String> authorizations = new CopyOnWriteArrayList<>();

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
            .tools(CalcMcpServer.tools(mapper, self))
            .build();
    self.set(server);
    HttpServlet recording =
        new HttpServlet() {
          @Override
          protected void service(HttpServletRequest request, HttpServletResponse response)
              throws IOException, jakarta.servlet.ServletException {
            String authorization = request.getHeader("Authorization");
            authorizations.add(authorization == null ? "" : authorization);
            transport.service(request, response);
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

  static HttpMcpServer start(int port) throws Exception {
    return new HttpMcpServer(port);
  }

  int port() {
    return port;
  }

  @Override
  public void close() throws Exception {
    server.closeGracefully();
    tomcat.stop();
    tomcat.destroy();
  }
}
