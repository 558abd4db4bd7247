package dev.parley.tool.mcp;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.parley.tool.Tool;
import dev.parley.tool.ToolContext;
import dev.parley.tool.ToolSource;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One tool of an MCP server, offered as {@code <server>__<tool>} with the server's description and
 * input schema. A call is a {@code tools/call} on the server's shared client, never blocking: the
 * result's text content joined with newlines, else its structured content as JSON; images, audio
 * and resources become one-line placeholders. A result the server marks {@code isError} fails the
 * call with its text. While the server is down, a call fails at once with "tool server <name> is
 * unavailable".
 */
final class McpTool implements Tool {
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private final String name;
  private final McpServerSettings server;
  private final McpSchema.Tool tool;
  private final String schema;
  private final McpConnection connection;

  McpTool(
      String name,
      McpServerSettings server,
      McpSchema.Tool tool,
      String schema,
      McpConnection connection) {
    this.connection = connection;
    this.name = name;
    this.server = server;
    this.tool = tool;
    this.schema = schema;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return tool.description() == null ? "" : tool.description();
  }

  @Override
  public String parametersSchema() {
    return schema;
  }

  @Override
  public Optional<Duration> timeout() {
    return server.timeout();
  }

  @Override
  public ToolSource source() {
    return ToolSource.MCP;
  }

  @Override
  public CompletionStage<String> call(String argumentsJson, ToolContext context) {
    Map<String, Object> arguments;
    try {
      arguments =
          argumentsJson == null || argumentsJson.isBlank()
              ? Map.of()
              : McpServers.JSON.readValue(argumentsJson, OBJECT);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("arguments are no JSON object"));
    }
    McpAsyncClient client = connection.client();
    if (client == null) {
      return CompletableFuture.failedFuture(unavailable());
    }
    return client
        .callTool(new McpSchema.CallToolRequest(tool.name(), arguments))
        .toFuture()
        .exceptionallyCompose(
            error -> {
              Throwable failed = connection.callFailed(client, error);
              // The server went away during the call: that, not the transport's detail.
              return CompletableFuture.failedFuture(
                  connection.client() == client ? failed : unavailable());
            })
        .thenApply(this::render);
  }

  private IllegalStateException unavailable() {
    return new IllegalStateException("tool server " + server.name() + " is unavailable");
  }

  private String render(McpSchema.CallToolResult result) {
    if (result == null) {
      throw new IllegalStateException("the tool server " + server.name() + " sent no result");
    }
    List<String> texts = new ArrayList<>();
    List<McpSchema.Content> content = result.content() == null ? List.of() : result.content();
    for (McpSchema.Content item : content) {
      if (item instanceof McpSchema.TextContent text) {
        texts.add(text.text());
      }
    }
    if (Boolean.TRUE.equals(result.isError())) {
      throw new IllegalStateException(
          texts.isEmpty() ? "the tool server reported an error" : String.join("\n", texts));
    }
    List<String> lines = new ArrayList<>();
    if (texts.isEmpty() && result.structuredContent() != null) {
      try {
        lines.add(McpServers.JSON.writeValueAsString(result.structuredContent()));
      } catch (Exception e) {
        throw new IllegalStateException("unreadable structured content", e);
      }
    }
    // Text and placeholders in the order the server sent them.
    for (McpSchema.Content item : content) {
      lines.add(item instanceof McpSchema.TextContent text ? text.text() : placeholder(item));
    }
    return String.join("\n", lines);
  }

  private static String placeholder(McpSchema.Content item) {
    if (item instanceof McpSchema.ImageContent image) {
      return "[image " + image.mimeType() + ", " + base64Bytes(image.data()) + " bytes]";
    }
    if (item instanceof McpSchema.AudioContent audio) {
      return "[audio " + audio.mimeType() + ", " + base64Bytes(audio.data()) + " bytes]";
    }
    if (item instanceof McpSchema.EmbeddedResource embedded) {
      McpSchema.ResourceContents resource = embedded.resource();
      String size =
          resource instanceof McpSchema.TextResourceContents text
              ? (text.text() == null ? 0 : text.text().length()) + " characters"
              : resource instanceof McpSchema.BlobResourceContents blob
                  ? base64Bytes(blob.blob()) + " bytes"
                  : "unknown size";
      return "[resource " + resource.uri() + " " + resource.mimeType() + ", " + size + "]";
    }
    if (item instanceof McpSchema.ResourceLink link) {
      return "[resource link "
          + link.uri()
          + (link.size() == null ? "" : ", " + link.size() + " bytes")
          + "]";
    }
    return "[" + item.type() + " content]";
  }

  /** The decoded size of base64 {@code data}, without decoding it. */
  private static long base64Bytes(String data) {
    if (data == null) {
      return 0;
    }
    int padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
    return Math.max(0, (long) data.length() * 3 / 4 - padding);
  }
}
