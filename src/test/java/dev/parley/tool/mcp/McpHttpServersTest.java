package dev.parley.tool.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.llm.ToolCall;
import dev.parley.llm.ToolSpec;
import dev.parley.tool.ToolContext;
import dev.parley.tool.ToolRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An MCP server over Streamable HTTP ({@link HttpMcpServer}: the SDK's servlet transport in an
 * embedded Tomcat) offered through Parley's config with an {@code Authorization} header: listed,
 * called end to end with the header on every request, followed through {@code list_changed}, and
 * reconnected after the server stops and starts again on the same port.
 */
class McpHttpServersTest {
  private static final String TOKEN = "Bearer s3cr3t-http-token";
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
                parley.tool.mcp.servers.remote {
                  url = "http://127.0.0.1:%d/mcp"
                  headers { Authorization = "%s" }
                  timeout = 20s
                }
                """
                .formatted(server.port(), TOKEN));
  }

  @AfterAll
  static void stop() throws Exception {
    testKit.shutdownTestKit();
    server.close();
  }

  private static String call(String name, String arguments) {
    try {
      return McpCalls.call(registry, name, arguments);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String callUntil(String expected, String name, String arguments) {
    return McpCalls.callUntil(testKit, registry, Duration.ofSeconds(60), expected, name, arguments);
  }

  private static List<String> names() {
    return registry.specs().stream().map(ToolSpec::name).toList();
  }

  @Test
  void aToolIsCalledEndToEndWithTheConfiguredHeader() {
    assertTrue(names().containsAll(List.of("remote__add", "remote__calls")), names().toString());
    int before = server.authorizations.size();
    assertEquals("5.0", call("remote__add", "{\"a\":2,\"b\":3}"));
    List<String> seen = server.authorizations.subList(before, server.authorizations.size());
    assertFalse(seen.isEmpty());
    assertTrue(seen.stream().allMatch(TOKEN::equals), seen.toString());
    assertEquals(true, registry.toolServers().get("remote"));
  }

  @Test
  void anIsErrorResultIsAnError() {
    assertEquals("error: remote__fail failed: it broke", call("remote__fail", "{}"));
  }

  @Test
  void aBadResponseToOneCallFailsThatCallAloneAndTheServerStaysUp() {
    assertEquals("3.0", callUntil("3.0", "remote__add", "{\"a\":1,\"b\":2}"));
    // Neither answer says the server is gone, nor passes on the response's body.
    String status = call("remote__status500", "{}");
    assertTrue(status.startsWith("error: remote__status500 failed: tool server remote"), status);
    assertTrue(status.contains("500"), status);
    assertFalse(status.contains("unavailable") || status.contains("secret body"), status);
    assertEquals(true, registry.toolServers().get("remote"));
    String garbage = call("remote__garbage", "{}");
    assertTrue(garbage.startsWith("error: remote__garbage failed: tool server remote"), garbage);
    assertFalse(garbage.contains("unavailable") || garbage.contains("secret body"), garbage);
    assertEquals(true, registry.toolServers().get("remote"));
    // The same client still answers the other tools.
    assertEquals("5.0", call("remote__add", "{\"a\":2,\"b\":3}"));
  }

  @Test
  void aServerThatStopsIsUnavailableThenReconnected() throws Exception {
    int port = server.port();
    server.close();
    String down = "error: remote__add failed: tool server remote is unavailable";
    // The header's value is never logged, however the connection fails.
    LoggingTestKit.warn("MCP server remote")
        .withCustom(event -> !event.message().contains("s3cr3t"))
        .expect(testKit.system(), () -> callUntil(down, "remote__add", "{\"a\":1,\"b\":2}"));
    assertEquals(false, registry.toolServers().get("remote"));
    server = HttpMcpServer.start(port);
    assertEquals("3.0", callUntil("3.0", "remote__add", "{\"a\":1,\"b\":2}"));
    assertEquals(true, registry.toolServers().get("remote"));
  }

  @Test
  void listChangedOverHttpReplacesTheServersTools() throws Exception {
    // A server of its own: this one's tools change, which the other tests must not see.
    try (HttpMcpServer changing = HttpMcpServer.start(0)) {
      ToolRegistry own =
          McpCalls.registry(
              testKit,
              """
                  parley.tool.mcp.servers.changing {
                    url = "http://127.0.0.1:%d/mcp"
                    "include" = [fail, grow, extra]
                  }
                  """
                  .formatted(changing.port()));
      assertTrue(
          own.specs().stream().anyMatch(s -> s.name().equals("changing__fail")),
          own.specs().toString());
      String grown =
          own.invoke(
                  new ToolCall("c2", "changing__grow", "{}"),
                  new ToolContext("test/1", "test/1/1/0", null))
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      assertFalse(grown.startsWith("error"), grown);
      testKit
          .createTestProbe()
          .awaitAssert(
              Duration.ofSeconds(30),
              () -> {
                List<String> now = own.specs().stream().map(ToolSpec::name).toList();
                assertTrue(now.contains("changing__extra"), now.toString());
                assertFalse(now.contains("changing__fail"), now.toString());
                return now;
              });
      assertEquals(
          "extra here",
          own.invoke(
                  new ToolCall("c3", "changing__extra", "{}"),
                  new ToolContext("test/1", "test/1/1/0", null))
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS));
      // Its client closes with the test kit's actor system, as a node's does at shutdown.
    }
  }
}
