package dev.parley.tool.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class McpServerSettingsTest {
  private static List<McpServerSettings> read(String hocon) {
    return McpServerSettings.allFrom(ConfigFactory.parseString(hocon));
  }

  @Test
  void noServersByDefault() {
    assertEquals(List.of(), McpServerSettings.allFrom(ConfigFactory.load()));
  }

  @Test
  void aServerIsReadWithEveryField() {
    var server =
        read("""
                parley.tool.mcp.servers.files {
                  command = [npx, "-y", server]
                  env { TOKEN = abc }
                  cwd = "/srv"
                  "include" = ["read_*"]
                  exclude = ["*_secret"]
                  timeout = 5s
                }
                """)
            .get(0);
    assertEquals("files", server.name());
    assertEquals(List.of("npx", "-y", "server"), server.command());
    assertEquals(Map.of("TOKEN", "abc"), server.env());
    assertEquals(Optional.of("/srv"), server.cwd());
    assertEquals(Optional.of(Duration.ofSeconds(5)), server.timeout());
    assertTrue(server.offers("read_file"));
    assertFalse(server.offers("write_file"));
    assertFalse(server.offers("read_secret"));
  }

  @Test
  void withoutIncludeEveryToolButTheExcludedIsOffered() {
    var server = read("parley.tool.mcp.servers.s { command = [x], exclude = [drop] }").get(0);
    assertTrue(server.offers("anything"));
    assertFalse(server.offers("drop"));
  }

  @Test
  void aUrlServerTakesItsHeaders() {
    McpServerSettings server =
        read("parley.tool.mcp.servers.remote { url = \"https://example.com/mcp?k=secret\","
                + " headers { Authorization = \"Bearer abc\" } }")
            .get(0);
    assertEquals(List.of(), server.command());
    assertEquals(Map.of("Authorization", "Bearer abc"), server.headers());
    // What may be logged leaves out the query (it may hold a key).
    assertEquals("https://example.com/mcp", server.target());
  }

  @Test
  void aUrlAndACommandTogetherAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> read("parley.tool.mcp.servers.s { url = \"http://h/mcp\", command = [x] }"));
    assertThrows(
        IllegalArgumentException.class,
        () -> read("parley.tool.mcp.servers.s { url = \"ftp://h/mcp\" }"));
  }

  @Test
  void theReconnectPaceIsRead() {
    McpServerSettings server =
        read("parley.tool.mcp { reconnect-min = 2s, reconnect-max = 30s,"
                + " servers.s { command = [x] } }")
            .get(0);
    assertEquals(Duration.ofSeconds(2), server.reconnect().min());
    assertEquals(Duration.ofSeconds(30), server.reconnect().max());
  }

  @Test
  void aReconnectMinOfZeroIsRefused() {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> read("parley.tool.mcp { reconnect-min = 0s, servers.s { command = [x] } }"));
    assertTrue(refused.getMessage().contains("reconnect-min"), refused.getMessage());
  }

  @Test
  void theFailureCountStartsOverOnlyAfterAConnectionStayedUpForReconnectMax() {
    McpServerSettings server =
        read("parley.tool.mcp { reconnect-min = 1s, reconnect-max = 8s,"
                + " servers.s { command = [x] } }")
            .get(0);
    McpConnection connection = new McpConnection(server, () -> {});
    // Lost right after each handshake: the count (and so the pause) keeps growing.
    int failures = 0;
    for (int i = 0; i < 5; i++) {
      failures = connection.failuresAfterLoss(failures, Duration.ofMillis(100));
    }
    assertEquals(5, failures);
    assertEquals(Duration.ofSeconds(8), server.reconnect().base(failures));
    // Up for reconnect-max or longer: the next pause is the first one again.
    assertEquals(1, connection.failuresAfterLoss(failures, Duration.ofSeconds(8)));
  }

  @Test
  void aServerWithoutCommandOrWithABadNameIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> read("parley.tool.mcp.servers.s { cwd = x }"));
    assertThrows(
        IllegalArgumentException.class,
        () -> read("parley.tool.mcp.servers.\"a.b c\" { command = [x] }"));
  }
}
