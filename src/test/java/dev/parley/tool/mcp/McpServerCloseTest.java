package dev.parley.tool.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.parley.ChildProcesses;
import dev.parley.TestTags;
import dev.parley.tool.Tool;
import dev.parley.tool.ToolContext;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Closing the servers leaves no process behind: a stdio server started by a shell that ignores
 * SIGTERM (so the SDK's graceful close cannot end it), with {@link CalcMcpServer} as the shell's
 * child, is destroyed with its child after the grace, while a call is in flight.
 */
@Tag(TestTags.MULTI_PROCESS)
class McpServerCloseTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Test
  void closeEndsAServerThatIgnoresTermAndItsChildren() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    var config =
        ConfigFactory.parseString(
            """
            parley.tool.mcp { reconnect-min = 200ms, reconnect-max = 1s }
            parley.tool.mcp.servers.stubborn {
              command = ["/bin/sh", "-c", "trap '' TERM; \\"$0\\" \\"$@\\"; true",
                %s, "-cp", %s, "dev.parley.tool.mcp.CalcMcpServer"]
              "include" = [block]
              timeout = 60s
            }
            """
                .formatted(quoted(java), quoted(classpath)));
    McpServers servers = McpServers.start(McpServerSettings.allFrom(config));
    assertTrue(servers.status().get("stubborn"), "the server is up");
    Tool block = servers.tools().get(0);
    Path started = Files.createTempDirectory("parley-mcp-close").resolve("started");
    String arguments =
        McpServers.JSON.createObjectNode().put("started", started.toString()).toString();
    CompletableFuture<String> inFlight =
        block.call(arguments, new ToolContext("test/1", "test/1/1/0", null)).toCompletableFuture();
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(60),
            () -> {
              assertTrue(Files.exists(started), "the call reached the server");
              return null;
            });
    ProcessHandle server = ProcessHandle.of(Long.parseLong(Files.readString(started))).get();
    ProcessHandle shell = server.parent().get();

    servers.close().toCompletableFuture().get(30, TimeUnit.SECONDS);

    server.onExit().get(10, TimeUnit.SECONDS);
    shell.onExit().get(10, TimeUnit.SECONDS);
    assertFalse(server.isAlive() || shell.isAlive());
    // The call in flight is answered (with an error), not left hanging.
    inFlight.handle((answer, error) -> null).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aClosedClientNeverStartsItsServerAgain() throws Exception {
    // A path no other test uses marks the server's processes (first, so never cut off).
    Path marker = Files.createTempDirectory("parley-mcp-retired").resolve("marker");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var config =
        ConfigFactory.parseString(
            """
            parley.tool.mcp { reconnect-min = 200ms, reconnect-max = 1s }
            parley.tool.mcp.servers.once {
              command = [%s, %s, "-cp", %s, "dev.parley.tool.mcp.CalcMcpServer"]
              timeout = 60s
            }
            """
                .formatted(
                    quoted(java),
                    quoted("-Dparley.test.marker=" + marker),
                    quoted(System.getProperty("java.class.path"))));
    McpConnection connection =
        new McpConnection(McpServerSettings.allFrom(config).get(0), () -> {});
    connection.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
    McpAsyncClient client = connection.client();
    assertTrue(client != null, "the server is up");
    assertEquals(1, marked(marker));
    connection.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(30),
            () -> {
              assertEquals(0, marked(marker));
              return null;
            });

    // A request on the closed client (a call that took it just before the close) fails, and
    // starts no program: the SDK would initialize it again, connecting its transport anew.
    assertThrows(
        Exception.class,
        () ->
            client
                .callTool(new McpSchema.CallToolRequest("add", Map.of("a", 1, "b", 2)))
                .block(Duration.ofSeconds(30)));
    assertEquals(0, marked(marker));
  }

  /** The live processes of this JVM's whose command line names {@code marker}. */
  private static long marked(Path marker) {
    return ChildProcesses.naming(marker.toString()).size();
  }
}
