package dev.parley.tool.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parley.TestTags;
import dev.parley.llm.ToolSpec;
import dev.parley.tool.ToolRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real MCP server from npm, the reference filesystem server the README's example names, written
 * with the TypeScript SDK and run by Node.js over stdio: its tools are listed with their own
 * schemas, called, validated by Parley against those schemas, and its {@code isError} answers
 * become errors for the model. The package (pinned) is installed into {@code target/npm-mcp} by
 * npm, which CI reaches; without npm on the PATH the test is skipped, with npm but no registry it
 * fails.
 */
@Tag(TestTags.MULTI_PROCESS)
@ExtendWith(LogCapturingExtension.class)
class McpNpmServerTest {
  private static final String PACKAGE = "@modelcontextprotocol/server-filesystem@2026.8.31";
  private static final Path PREFIX = Path.of("target", "npm-mcp").toAbsolutePath();

  private static ActorTestKit testKit;
  private static ToolRegistry registry;
  private static Path shared;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(runs(List.of("npm", "--version"), Duration.ofSeconds(30)), "npm is not on PATH");
    Files.createDirectories(PREFIX);
    Path log = PREFIX.resolve("install.log");
    var install =
        new ProcessBuilder(
                "npm", "install", "--no-audit", "--no-fund", "--prefix", PREFIX.toString(), PACKAGE)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertTrue(install.waitFor(5, TimeUnit.MINUTES), "npm install finished");
    assertEquals(0, install.exitValue(), () -> "npm install failed: " + read(log));

    shared = Files.createTempDirectory("parley-npm-mcp").toRealPath();
    Files.writeString(shared.resolve("hello.txt"), "hello from npm\n");
    Path server =
        PREFIX.resolve("node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");
    testKit = ActorTestKit.create();
    registry =
        McpCalls.registry(
            testKit,
            """
                parley.tool.mcp.servers.files {
                  command = ["node", "%s", "%s"]
                  timeout = 60s
                }
                """
                .formatted(server, shared));
  }

  @AfterAll
  static void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  private static boolean runs(List<String> command, Duration limit) {
    try {
      var process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().transferTo(OutputStream.nullOutputStream());
      return process.waitFor(limit.toSeconds(), TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String call(String name, String arguments) throws Exception {
    return McpCalls.call(registry, name, arguments);
  }

  /** The server's tools, once it has connected (Node starts in about a second). */
  private static List<ToolSpec> listed() {
    return testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(60),
            () -> {
              assertEquals(true, registry.toolServers().get("files"), "files is up");
              return registry.specs().stream()
                  .filter(spec -> spec.name().startsWith("files__"))
                  .toList();
            });
  }

  @Test
  void itsToolsAreListedCalledValidatedAndTheirErrorsReachTheModel() throws Exception {
    List<ToolSpec> tools = listed();
    List<String> names = tools.stream().map(ToolSpec::name).toList();
    assertTrue(
        names.containsAll(List.of("files__list_directory", "files__read_text_file")),
        names.toString());
    ToolSpec read =
        tools.stream().filter(t -> t.name().equals("files__read_text_file")).findFirst().get();
    assertTrue(read.parametersSchema().contains("\"path\""), read.parametersSchema());

    String listing = call("files__list_directory", json(shared));
    assertTrue(listing.contains("hello.txt"), listing);
    assertEquals(
        "hello from npm", call("files__read_text_file", json(shared.resolve("hello.txt"))).strip());

    // Parley checks the arguments against the server's own schema: the server never sees these.
    String invalid = call("files__read_text_file", "{}");
    assertTrue(invalid.startsWith("error: invalid arguments"), invalid);
    // Outside the directory it was given, the server answers isError: an error for the model.
    String refused = call("files__read_text_file", json(Path.of("/etc/hostname")));
    assertTrue(refused.startsWith("error:"), refused);
  }

  private static String json(Path path) {
    return "{\"path\":\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
  }
}
