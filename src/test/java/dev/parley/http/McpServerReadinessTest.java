package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.ChildProcesses;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.TestTags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An MCP server's state in {@code /ready}'s detail and in {@code parley_mcp_server_up}, on a real
 * node whose server ({@code CalcMcpServer}, its own JVM) starts only while a gate file exists: down
 * at start, up once the gate opens, down again when its program is killed, and {@code /ready}
 * answers 200 throughout.
 */
@Tag(TestTags.MULTI_PROCESS)
@ExtendWith(LogCapturingExtension.class)
class McpServerReadinessTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** Waits until /ready is 200 with the server {@code gated} in state {@code state}. */
  private static void awaitState(TestNode node, String state) {
    node.awaitAssert(
        DEADLINE,
        () -> {
          Reply ready = node.getManagement("/ready");
          assertEquals(200, ready.status(), ready.raw());
          JsonNode servers = ready.body().path("detail").path("mcpServers");
          assertEquals(state, servers.path("gated").asText(), ready.raw());
          assertTrue(ready.body().path("detail").has("database"), ready.raw());
          String metrics = node.getManagement("/metrics").raw();
          String gauge = "parley_mcp_server_up{server=\"gated\"} " + (state.equals("up") ? 1 : 0);
          assertTrue(metrics.contains(gauge), metrics);
          return null;
        });
  }

  @Test
  void theServersStateFollowsItWhileReadyStays200() throws Exception {
    Path gate = Files.createTempDirectory("parley-mcp-ready").resolve("gate");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "dev.parley.tool.mcp.CalcMcpServer",
            "--require",
            gate.toString());
    try (TestNode node =
        TestNode.startConfigured(
            Map.of(
                "parley.tool.mcp.servers.gated.command", command,
                "parley.tool.mcp.servers.gated.timeout", "10s",
                "parley.tool.mcp.reconnect-min", "200ms",
                "parley.tool.mcp.reconnect-max", "1s"))) {
      awaitState(node, "down");
      Files.createFile(gate);
      awaitState(node, "up");

      // Killed with the gate shut: it stays down, and the node stays ready.
      Files.delete(gate);
      List<ProcessHandle> servers = ChildProcesses.naming(gate.toString());
      assertEquals(1, servers.size(), servers.toString());
      servers.get(0).destroyForcibly();
      awaitState(node, "down");
    }
  }
}
