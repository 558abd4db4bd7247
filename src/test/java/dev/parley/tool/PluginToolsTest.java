package dev.parley.tool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.llm.ToolCall;
import dev.parley.llm.ToolSpec;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plug-in tools: jars compiled from source here, found by ServiceLoader through a class loader of
 * their own, offered after the built-ins and called like any tool; a plug-in that cannot be loaded
 * or clashes with another tool is refused with a message naming its class and jar.
 */
class PluginToolsTest {
  private static final ToolContext CONTEXT = new ToolContext("user:api:1", "k", Runnable::run);
  private static final ToolSettings SETTINGS = new ToolSettings(Duration.ofSeconds(5), 1000);
  private static final ActorTestKit testKit = ActorTestKit.create();

  @TempDir Path dir;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void theExamplePluginIsOfferedAfterTheBuiltInsAndCalledWithCheckedArguments() throws Exception {
    Path jar = PluginJars.echo(dir);
    try (var loader = loaderOf(jar)) {
      ToolRegistry registry = configured(loader);
      assertEquals(
          List.of(
              "current_time",
              "calculator",
              "remember",
              "recall",
              "forget",
              "clear_history",
              "echo"),
          registry.specs().stream().map(ToolSpec::name).toList());
      assertEquals("{\"text\": \"hi\"}", invoke(registry, "echo", "{\"text\": \"hi\"}"));
      String refused = invoke(registry, "echo", "{}");
      assertTrue(refused.startsWith("error: invalid arguments: "), refused);
      // Counted as a plug-in's call, whatever the plug-in's own source() says.
      List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
      invoke(
          registry.observedBy((tool, source, outcome, took) -> heard.add(tool + "/" + source)),
          "echo",
          "{\"text\": \"x\"}");
      assertEquals(List.of("echo/plugin"), heard);
    }
  }

  @Test
  void theApplicationsOwnClassLoaderHasNoPluginsInTheTests() {
    assertEquals(
        List.of("current_time", "calculator", "remember", "recall", "forget", "clear_history"),
        ToolRegistry.configured(testKit.system(), SETTINGS, Clock.systemUTC()).specs().stream()
            .map(ToolSpec::name)
            .toList());
  }

  @Test
  void aProviderThatCannotBeInstantiatedIsNamedWithItsJar() throws Exception {
    Path jar =
        PluginJars.build(
            dir,
            "exploding.jar",
            Map.of(
                "org.example.bad.Exploding",
                PluginJars.toolSource(
                    "org.example.bad.Exploding",
                    "exploding",
                    "throw new IllegalStateException(\"no settings\");")),
            "org.example.bad.Exploding\n");
    String message = refusal(jar);
    assertTrue(message.startsWith("plug-in tool could not be loaded: "), message);
    assertTrue(message.contains("org.example.bad.Exploding"), message);
    assertTrue(message.contains("no settings"), message);
    assertTrue(message.contains(jar.toString()), message);
  }

  @Test
  void aProviderClassMissingFromItsJarIsNamedWithTheJar() throws Exception {
    Path jar =
        PluginJars.build(dir, "empty.jar", Map.of(), "# a comment\norg.example.gone.Missing\n");
    String message = refusal(jar);
    assertTrue(message.contains("org.example.gone.Missing"), message);
    assertTrue(message.contains(jar.toString()), message);
  }

  @Test
  void aPluginNamedLikeABuiltInIsRefused() throws Exception {
    Path jar =
        PluginJars.build(
            dir,
            "clash.jar",
            Map.of(
                "org.example.clash.Calc",
                PluginJars.toolSource("org.example.clash.Calc", "calculator", "")),
            "org.example.clash.Calc\n");
    assertEquals(
        "plug-in tool org.example.clash.Calc from "
            + jar
            + " is named \"calculator\" like the tool "
            + CalculatorTool.class.getName(),
        refusal(jar));
  }

  @Test
  void twoPluginsOfOneNameAreRefused() throws Exception {
    Path first =
        PluginJars.build(
            dir,
            "first.jar",
            Map.of("org.example.a.Echo", PluginJars.toolSource("org.example.a.Echo", "echo", "")),
            "org.example.a.Echo\n");
    String message = refusal(first, PluginJars.echo(dir));
    assertTrue(message.contains("is named \"echo\" like the plug-in tool"), message);
    assertTrue(message.contains("org.example.a.Echo from " + first), message);
  }

  @Test
  void aPluginWithAnInvalidNameIsNamedWithItsJar() throws Exception {
    Path jar =
        PluginJars.build(
            dir,
            "spaces.jar",
            Map.of(
                "org.example.s.Spaces",
                PluginJars.toolSource("org.example.s.Spaces", "two words", "")),
            "org.example.s.Spaces\n");
    String message = refusal(jar);
    assertTrue(message.startsWith("plug-in tool org.example.s.Spaces from " + jar + ": "), message);
    assertTrue(message.contains("must be 1 to 64 of"), message);
  }

  private static URLClassLoader loaderOf(Path... jars) throws Exception {
    URL[] urls = new URL[jars.length];
    for (int i = 0; i < jars.length; i++) {
      urls[i] = jars[i].toUri().toURL();
    }
    return new URLClassLoader(urls, PluginToolsTest.class.getClassLoader());
  }

  private static ToolRegistry configured(ClassLoader loader) {
    return ToolRegistry.configured(testKit.system(), SETTINGS, Clock.systemUTC(), loader);
  }

  private static String refusal(Path... jars) throws Exception {
    try (var loader = loaderOf(jars)) {
      return assertThrows(IllegalArgumentException.class, () -> configured(loader)).getMessage();
    }
  }

  private static String invoke(ToolRegistry registry, String name, String arguments)
      throws Exception {
    return registry
        .invoke(new ToolCall("call-1", name, arguments), CONTEXT)
        .toCompletableFuture()
        .get(5, SECONDS);
  }
}
