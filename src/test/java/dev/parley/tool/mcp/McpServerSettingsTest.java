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
  void aUrlIsRefusedAsNotSupportedYet() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> read("parley.tool.mcp.servers.remote { url = \"https://example.com/mcp\" }"));
    assertTrue(e.getMessage().contains("Streamable HTTP are not supported yet"), e.getMessage());
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
