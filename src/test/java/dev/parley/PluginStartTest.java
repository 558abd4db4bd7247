package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.tool.PluginJars;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plug-in jars through a real {@code scripts/run}: the jars of {@code PARLEY_PLUGINS_DIR} join the
 * classpath also when {@code PARLEY_CLASSPATH} is set, the node logs each plug-in tool it loaded,
 * and a plug-in named like a built-in tool stops start-up with one line and exit code 2.
 */
@Tag(TestTags.MULTI_PROCESS)
class PluginStartTest {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void theExamplePluginInThePluginDirectoryIsLoaded() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    PluginJars.echo(plugins);
    Map<String, String> env = environment(plugins);
    env.put("PARLEY_DATA_DIR", Files.createDirectories(dir.resolve("data")).toString());
    Path log = dir.resolve("node.log");
    ParleyProcess node = ParleyProcess.start("plugin-node", Path.of("").toAbsolutePath(), log, env);
    try {
      HttpClient http = HttpClient.newHttpClient();
      node.awaitReady(http, START_TIMEOUT);
      // The line is written before the node is ready, through an asynchronous appender.
      String expected = "loaded plug-in tool echo (org.example.parley.echo.EchoTool from ";
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!Files.readString(log).contains(expected)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no \"" + expected + "\" in the log:\n" + node.logTail(40));
        }
        node.pause();
      }
    } finally {
      node.stop(Duration.ofSeconds(30));
    }
  }

  @Test
  void aPluginNamedLikeABuiltInToolStopsStartUp() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path jar =
        PluginJars.build(
            plugins,
            "clash.jar",
            Map.of(
                "org.example.clash.Calc",
                PluginJars.toolSource("org.example.clash.Calc", "calculator", "")),
            "org.example.clash.Calc\n");
    Map<String, String> env = environment(plugins);
    env.put("PARLEY_DATA_DIR", Files.createDirectories(dir.resolve("data")).toString());
    var exited =
        ParleyProcess.runUntilExit(Path.of("").toAbsolutePath(), env, Duration.ofSeconds(60));
    List<String> lines = exited.stderr().lines().filter(line -> !line.isBlank()).toList();
    assertEquals(2, exited.code(), "exit code; stderr: " + exited.stderr());
    assertEquals(
        List.of(
            "parley: cannot start: plug-in tool org.example.clash.Calc from "
                + jar
                + " is named \"calculator\" like the tool dev.parley.tool.CalculatorTool"),
        lines);
  }

  private static Map<String, String> environment(Path plugins) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("PARLEY_CLASSPATH", ParleyProcess.testClasspathWithoutTestClasses());
    env.put("PARLEY_PLUGINS_DIR", plugins.toString());
    env.put("PARLEY_HTTP_PORT", Integer.toString(FreePorts.pick()));
    env.put("PARLEY_MANAGEMENT_PORT", Integer.toString(FreePorts.pick()));
    env.put("PARLEY_REMOTING_PORT", Integer.toString(FreePorts.pick()));
    env.put("JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    return env;
  }
}
