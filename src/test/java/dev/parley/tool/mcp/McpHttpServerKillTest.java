package dev.parley.tool.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.tool.ToolRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Streamable HTTP MCP server ({@link HttpMcpServer}) killed while a call is in flight, then
 * started again on the same port: the call is answered with an error at once (not at the server's
 * 60 s timeout), the server is reported down, and once it is back Parley reconnects and the same
 * tool answers again. The stdio counterpart is {@code
 * McpServersTest#aServerKilledMidCallAnswersTheCallAndIsRestarted}.
 */
@ExtendWith(LogCapturingExtension.class)
class McpHttpServerKillTest {
  private static ActorTestKit testKit;
  private static HttpMcpServer server;
  private static ToolRegistry registry;

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create();
    server = HttpMcpServer.start(0);
    registry =
        McpCalls.registry(
            testKit,
            """
                parley.tool.mcp { reconnect-min = 200ms, reconnect-max = 1s }
                parley.tool.mcp.servers.killed {
                  url = "http://127.0.0.1:%d/mcp"
                  "include" = [add, hold]
                  timeout = 60s
                }
                """
                .formatted(server.port()));
  }

  @AfterAll
  static void stop() throws Exception {
    testKit.shutdownTestKit();
    server.close();
  }

  private static CompletableFuture<String> invoke(String name, String arguments) {
    return McpCalls.invoke(registry, name, arguments);
  }

  /** Calls (every 100 ms, Pekko's awaitAssert) until the answer is {@code expected}, for 30 s. */
  private static String callUntil(String expected, String name, String arguments) {
    return McpCalls.callUntil(testKit, registry, Duration.ofSeconds(30), expected, name, arguments);
  }

  private static void awaitCondition(String what, BooleanSupplier condition) {
    McpCalls.awaitCondition(testKit, Duration.ofSeconds(30), what, condition);
  }

  @Test
  void aServerKilledMidCallAnswersTheCallAndIsReconnectedOnTheSamePort() throws Exception {
    assertEquals("3.0", callUntil("3.0", "killed__add", "{\"a\":1,\"b\":2}"));
    assertEquals(true, registry.toolServers().get("killed"));

    CompletableFuture<String> inFlight = invoke("killed__hold", "{}");
    // The server's tool has the call and will not answer it while the server lives.
    assertTrue(server.held.await(30, TimeUnit.SECONDS), "the call reached the server");
    assertFalse(inFlight.isDone());
    int port = server.port();
    server.kill();

    // Answered once the connection is gone, well within the server's 60 s timeout: an error for
    // the model, not a timeout.
    String answer = inFlight.get(15, TimeUnit.SECONDS);
    assertEquals("error: killed__hold failed: tool server killed is unavailable", answer);
    assertFalse(answer.contains("timed out"), answer);
    awaitCondition("killed is reported down", () -> !registry.toolServers().get("killed"));
    String down = "error: killed__add failed: tool server killed is unavailable";
    assertEquals(down, invoke("killed__add", "{\"a\":1,\"b\":2}").get(15, TimeUnit.SECONDS));

    server = HttpMcpServer.start(port);
    assertEquals("3.0", callUntil("3.0", "killed__add", "{\"a\":1,\"b\":2}"));
    assertEquals(true, registry.toolServers().get("killed"));
  }
}
