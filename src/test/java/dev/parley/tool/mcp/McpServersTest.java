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
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A real MCP server, {@link CalcMcpServer} in its own JVM, offered through Parley's config. */
@Tag(TestTags.MULTI_PROCESS)
class McpServersTest {
  private static ActorTestKit testKit;
  private static ToolRegistry registry;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    var config =
        ConfigFactory.parseString(
                """
                parley.tool.mcp.servers {
                  calc { command = [%s, "-cp", %s, "dev.parley.tool.mcp.CalcMcpServer"], timeout = 60s }
                  broken { command = ["/nonexistent/parley-mcp-server"], timeout = 10s }
                }
                """
                    .formatted(quoted(java), quoted(classpath)))
            .withFallback(ConfigFactory.load());
    registry =
        ToolRegistry.configured(testKit.system(), ToolSettings.from(config), Clock.systemUTC());
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static String call(String name, String arguments) throws Exception {
    return registry
        .invoke(new ToolCall("c1", name, arguments), new ToolContext("test/1", "test/1/1/0", null))
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
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
  void aServerThatCannotStartLeavesTheOtherToolsWorking() throws Exception {
    assertFalse(registry.specs().stream().anyMatch(s -> s.name().startsWith("broken__")));
    assertTrue(call("calculator", "{\"expression\":\"1+1\"}").startsWith("2"));
  }
}
