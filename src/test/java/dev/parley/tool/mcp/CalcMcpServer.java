package dev.parley.tool.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real MCP server over stdio for the tests, run as its own JVM: {@code add {a, b}} answers the
 * sum, {@code fail} answers an {@code isError} result, {@code calls} how many calls reached it,
 * {@code exit} ends the program without answering, {@code structured} answers structured content
 * only, {@code picture} a text and an image, {@code grow} replaces {@code fail} by {@code extra}
 * and sends {@code notifications/tools/list_changed}, {@code block {started}} writes the server's
 * process id into the file {@code started} and never answers (a call in flight for as long as the
 * server lives), {@code env {name}} the value of the server's environment variable {@code name} (or
 * "unset"). With {@code --require <file>} it exits at once unless the file exists: a server that is
 * down until a test says otherwise.
 */
public final class CalcMcpServer {
  private static int calls;

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--require") && !Files.exists(Path.of(args[1]))) {
      System.exit(1);
    }
    var mapper = new JacksonMcpJsonMapper(new ObjectMapper());
    AtomicReference<McpSyncServer> server = new AtomicReference<>();
    server.set(
        McpServer.sync(new StdioServerTransportProvider(mapper))
            .serverInfo("calc", "1")
            .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
            .tools(tools(mapper, server))
            .build());
    // The transport reads stdin on its own threads; the server lives until stdin closes.
    Thread.currentThread().join();
  }

  /** The server's tools; {@code server} is the server they are offered by, for {@code grow}. */
  static List<McpServerFeatures.SyncToolSpecification> tools(
      McpJsonMapper mapper, AtomicReference<McpSyncServer> server) {
    var add =
        McpServerFeatures.SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder()
                    .name("add")
                    .description("Adds two numbers.")
                    .inputSchema(
                        mapper,
                        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"},"
                            + "\"b\":{\"type\":\"number\"}},\"required\":[\"a\",\"b\"]}")
                    .build())
            .callHandler(
                (exchange, request) -> {
                  calls++;
                  Map<String, Object> a = request.arguments();
                  double sum =
                      ((Number) a.get("a")).doubleValue() + ((Number) a.get("b")).doubleValue();
                  return McpSchema.CallToolResult.builder()
                      .addTextContent(String.valueOf(sum))
                      .build();
                })
            .build();
    var fail =
        McpServerFeatures.SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder()
                    .name("fail")
                    .description("Always fails.")
                    .inputSchema(mapper, "{\"type\":\"object\",\"properties\":{}}")
                    .build())
            .callHandler(
                (exchange, request) ->
                    McpSchema.CallToolResult.builder()
                        .addTextContent("it broke")
                        .isError(true)
                        .build())
            .build();
    var count =
        McpServerFeatures.SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder()
                    .name("calls")
                    .description("How many add calls reached the server.")
                    .inputSchema(mapper, "{\"type\":\"object\",\"properties\":{}}")
                    .build())
            .callHandler(
                (exchange, request) ->
                    McpSchema.CallToolResult.builder()
                        .addTextContent(String.valueOf(calls))
                        .build())
            .build();
    var exit =
        McpServerFeatures.SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder()
                    .name("exit")
                    .description("Ends the server.")
                    .inputSchema(mapper, "{\"type\":\"object\",\"properties\":{}}")
                    .build())
            .callHandler(
                (exchange, request) -> {
                  Runtime.getRuntime().halt(3);
                  return null;
                })
            .build();
    var structured =
        McpServerFeatures.SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder()
                    .name("structured")
                    .description("Answers structured content only.")
                    .inputSchema(mapper, "{\"type\":\"object\",\"properties\":{}}")
                    .build())
            .callHandler(
                (exchange, request) ->
                    McpSchema.CallToolResult.builder()
                        .content(List.of())
                        .structuredContent(Map.of("sum", 5))
                        .build())
            .build();
    var picture =
        McpServerFeatures.SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder()
                    .name("picture")
                    .description("Answers a text and an image.")
                    .inputSchema(mapper, "{\"type\":\"object\",\"properties\":{}}")
                    .build())
            .callHandler(
                (exchange, request) ->
                    McpSchema.CallToolResult.builder()
                        .addTextContent("a red dot:")
                        .addContent(McpSchema.ImageContent.builder("AAECAw==", "image/png").build())
                        .build())
            .build();
    var extra =
        McpServerFeatures.SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder()
                    .name("extra")
                    .description("Offered after grow.")
                    .inputSchema(mapper, "{\"type\":\"object\",\"properties\":{}}")
                    .build())
            .callHandler(
                (exchange, request) ->
                    McpSchema.CallToolResult.builder().addTextContent("extra here").build())
            .build();
    var grow =
        McpServerFeatures.SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder()
                    .name("grow")
                    .description("Replaces fail by extra.")
                    .inputSchema(mapper, "{\"type\":\"object\",\"properties\":{}}")
                    .build())
            .callHandler(
                (exchange, request) -> {
                  // Off the handler's thread: changing the tools waits on the server itself.
                  new Thread(
                          () -> {
                            server.get().removeTool("fail");
                            server.get().addTool(extra);
                            server.get().notifyToolsListChanged();
                          })
                      .start();
                  return McpSchema.CallToolResult.builder().addTextContent("growing").build();
                })
            .build();
    var block =
        McpServerFeatures.SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder()
                    .name("block")
                    .description("Writes the server's process id to started, never answers.")
                    .inputSchema(
                        mapper,
                        "{\"type\":\"object\",\"properties\":{\"started\":{\"type\":\"string\"}},"
                            + "\"required\":[\"started\"]}")
                    .build())
            .callHandler(
                (exchange, request) -> {
                  try {
                    Path started = Path.of((String) request.arguments().get("started"));
                    Path partial = started.resolveSibling(started.getFileName() + ".partial");
                    Files.writeString(partial, String.valueOf(ProcessHandle.current().pid()));
                    Files.move(partial, started, StandardCopyOption.ATOMIC_MOVE);
                    new CountDownLatch(1).await();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  return null;
                })
            .build();
    var env =
        McpServerFeatures.SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder()
                    .name("env")
                    .description("The value of one of the server's environment variables.")
                    .inputSchema(
                        mapper,
                        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},"
                            + "\"required\":[\"name\"]}")
                    .build())
            .callHandler(
                (exchange, request) -> {
                  String value = System.getenv((String) request.arguments().get("name"));
                  return McpSchema.CallToolResult.builder()
                      .addTextContent(value == null ? "unset" : value)
                      .build();
                })
            .build();
    return List.of(add, fail, count, exit, structured, picture, grow, block, env);
  }
}
