package dev.parley.tool.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.parley.TestTags;
import dev.parley.llm.ToolCall;
import dev.parley.llm.ToolSpec;
import dev.parley.tool.ToolContext;
import dev.parley.tool.ToolRegistry;
import dev.parley.tool.ToolSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A real MCP server, {@link CalcMcpServer} in its own JVM, offered through Parley's config. */
@Tag(TestTags.MULTI_PROCESS)
class McpServersTest {
  private static ActorTestKit testKit;
  private static ToolRegistry registry;
  private static Path gate;

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create();
    // The gated server starts only while this file exists.
    gate = Files.createTempDirectory("parley-mcp").resolve("gate");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    var config =
        ConfigFactory.parseString(
                """
                parley.tool.mcp { reconnect-min = 200ms, reconnect-max = 1s }
                parley.tool.mcp.servers {
                  calc { command = [%1$s, "-cp", %2$s, "dev.parley.tool.mcp.CalcMcpServer"], env { PARLEY_TEST_GIVEN = given }, timeout = 60s }
                  dying { command = [%1$s, "-cp", %2$s, "dev.parley.tool.mcp.CalcMcpServer"], "include" = [add, exit, block], timeout = 60s }
                  changing { command = [%1$s, "-cp", %2$s, "dev.parley.tool.mcp.CalcMcpServer"], "include" = [fail, grow, extra], timeout = 60s }
                  gated { command = [%1$s, "-cp", %2$s, "dev.parley.tool.mcp.CalcMcpServer", "--require", %3$s], "include" = [add, exit], timeout = 10s }
                  broken { command = ["/nonexistent/parley-mcp-server"], env { TOKEN = s3cr3t-token }, timeout = 10s }
                }
                """
                    .formatted(quoted(java), quoted(classpath), quoted(gate.toString())))
            .withFallback(ConfigFactory.load());
    // One WARN line names the server that cannot start, and never its environment's values.
    registry =
        LoggingTestKit.warn("MCP server broken")
            .withCustom(event -> !event.message().contains("s3cr3t"))
            .expect(
                testKit.system(),
                () ->
                    ToolRegistry.configured(
                        testKit.system(), ToolSettings.from(config), Clock.systemUTC()));
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static String call(String name, String arguments) throws Exception {
    return McpCalls.call(registry, name, arguments);
  }

  @Test
  void theServersToolsAreOfferedWithTheirSchema() {
    List<String> names = registry.specs().stream().map(ToolSpec::name).toList();
    assertTrue(
        names.containsAll(List.of("calc__add", "calc__fail", "calc__calls")), names.toString());
    ToolSpec add =
        registry.specs().stream().filter(s -> s.name().equals("calc__add")).findFirst().get();
    assertEquals("Adds two numbers.", add.description());
    assertTrue(
        add.parametersSchema().contains("\"required\":[\"a\",\"b\"]"), add.parametersSchema());
  }

  @Test
  void aCallAnswersTheSum() throws Exception {
    assertEquals("5.0", call("calc__add", "{\"a\":2,\"b\":3}"));
  }

  @Test
  void anIsErrorResultIsAnError() throws Exception {
    assertEquals("error: calc__fail failed: it broke", call("calc__fail", "{}"));
  }

  @Test
  void argumentsAgainstTheSchemaNeverReachTheServer() throws Exception {
    String before = call("calc__calls", "{}");
    String answer = call("calc__add", "{\"a\":\"two\",\"b\":3}");
    assertTrue(answer.startsWith("error: invalid arguments"), answer);
    assertEquals(before, call("calc__calls", "{}"));
  }

  @Test
  void aStdioServerSeesItsEnvButNotTheNodesOwnVariables() throws Exception {
    // Set for the test JVM by the build (pom.xml, surefire): the node's, not the server's.
    assertEquals("node-secret", System.getenv("PARLEY_TEST_NODE_ONLY"));
    assertEquals("unset", call("calc__env", "{\"name\":\"PARLEY_TEST_NODE_ONLY\"}"));
    assertEquals("given", call("calc__env", "{\"name\":\"PARLEY_TEST_GIVEN\"}"));
    // The safe defaults still reach it.
    assertEquals(System.getenv("PATH"), call("calc__env", "{\"name\":\"PATH\"}"));
  }

  @Test
  void aServerThatCannotStartLeavesTheOtherToolsWorking() throws Exception {
    assertFalse(registry.specs().stream().anyMatch(s -> s.name().startsWith("broken__")));
    assertTrue(call("calculator", "{\"expression\":\"1+1\"}").startsWith("2"));
  }

  @Test
  void includeAndExcludePickTheServersTools() {
    List<String> names = registry.specs().stream().map(ToolSpec::name).toList();
    assertTrue(names.containsAll(List.of("dying__add", "dying__exit")), names.toString());
    assertFalse(names.contains("dying__fail"), names.toString());
  }

  /** Calls (every 100 ms, Pekko's awaitAssert) until the answer is {@code expected}, for 60 s. */
  private static String callUntil(String expected, String name, String arguments) {
    return McpCalls.callUntil(testKit, registry, Duration.ofSeconds(60), expected, name, arguments);
  }

  private static void awaitCondition(String what, BooleanSupplier condition) {
    McpCalls.awaitCondition(testKit, Duration.ofSeconds(60), what, condition);
  }

  private static List<String> names() {
    return registry.specs().stream().map(ToolSpec::name).toList();
  }

  @Test
  void aServerThatExitsIsRestartedAndAnswersAgain() throws Exception {
    String last = call("dying__exit", "{}");
    assertTrue(last.startsWith("error: dying__exit"), last);
    assertEquals("3.0", callUntil("3.0", "dying__add", "{\"a\":1,\"b\":2}"));
    // The other server is untouched.
    assertEquals("5.0", call("calc__add", "{\"a\":2,\"b\":3}"));
  }

  @Test
  void aServerKilledMidCallAnswersTheCallAndIsRestarted() throws Exception {
    assertEquals("3.0", callUntil("3.0", "dying__add", "{\"a\":1,\"b\":2}"));
    Path started = Files.createTempDirectory("parley-mcp-block").resolve("started");
    String arguments =
        McpServers.JSON.createObjectNode().put("started", started.toString()).toString();
    CompletableFuture<String> inFlight =
        registry
            .invoke(
                new ToolCall("c3", "dying__block", arguments),
                new ToolContext("test/1", "test/1/1/0", null))
            .toCompletableFuture();
    // The server has the call (and says which process it is) and will never answer it.
    awaitCondition("the call reached the server", () -> Files.exists(started));
    ProcessHandle server = ProcessHandle.of(Long.parseLong(Files.readString(started))).get();
    assertFalse(inFlight.isDone());
    server.destroyForcibly();
    // Answered once the program is gone, well within the server's 60 s timeout: not a timeout.
    String answer = inFlight.get(30, TimeUnit.SECONDS);
    assertTrue(answer.startsWith("error: dying__block failed"), answer);
    assertEquals("3.0", callUntil("3.0", "dying__add", "{\"a\":1,\"b\":2}"));
  }

  @Test
  void aServerDownAtStartIsOfferedOnceUpAndUnavailableWhileDown() throws Exception {
    assertEquals(false, registry.toolServers().get("gated"));
    assertFalse(names().stream().anyMatch(n -> n.startsWith("gated__")), names().toString());
    Files.createFile(gate);
    awaitCondition("gated is up", () -> registry.toolServers().get("gated"));
    assertTrue(names().containsAll(List.of("gated__add", "gated__exit")), names().toString());
    assertEquals("3.0", call("gated__add", "{\"a\":1,\"b\":2}"));

    // Killed while the gate is shut: it cannot come back, and its tools say so.
    Files.delete(gate);
    call("gated__exit", "{}");
    String down = "error: gated__add failed: tool server gated is unavailable";
    assertEquals(down, callUntil(down, "gated__add", "{\"a\":1,\"b\":2}"));
    assertEquals(false, registry.toolServers().get("gated"));
    assertTrue(names().contains("gated__add"), "the last known tools stay offered");

    Files.createFile(gate);
    assertEquals("3.0", callUntil("3.0", "gated__add", "{\"a\":1,\"b\":2}"));
    assertEquals(true, registry.toolServers().get("gated"));
  }

  @Test
  void listChangedReplacesTheServersTools() throws Exception {
    assertTrue(names().contains("changing__fail"), names().toString());
    assertEquals("growing", call("changing__grow", "{}"));
    awaitCondition(
        "changing__extra offered instead of changing__fail",
        () -> names().contains("changing__extra") && !names().contains("changing__fail"));
    assertEquals("extra here", call("changing__extra", "{}"));
  }

  @Test
  void theStatusNamesEveryServer() {
    var status = registry.toolServers();
    assertEquals(
        List.of("broken", "calc", "changing", "dying", "gated"), List.copyOf(status.keySet()));
    assertEquals(false, status.get("broken"));
    assertEquals(true, status.get("calc"));
  }

  @Test
  void structuredContentWithoutTextIsItsJson() throws Exception {
    assertEquals("{\"sum\":5}", call("calc__structured", "{}"));
  }

  @Test
  void anImageIsAOneLinePlaceholder() throws Exception {
    assertEquals("a red dot:\n[image image/png, 4 bytes]", call("calc__picture", "{}"));
  }

  @Test
  void callsAreCountedWithSourceMcp() throws Exception {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    registry
        .observedBy((tool, source, outcome, took) -> seen.add(tool + " " + source + " " + outcome))
        .invoke(
            new ToolCall("c2", "calc__add", "{\"a\":1,\"b\":1}"),
            new ToolContext("t/1", "t/1/1/0", null))
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    assertEquals(List.of("calc__add mcp ok"), seen);
  }
}
