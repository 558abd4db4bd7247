package dev.parley.tool.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.parley.llm.ToolCall;
import dev.parley.tool.ToolContext;
import dev.parley.tool.ToolRegistry;
import dev.parley.tool.ToolSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/** What the MCP suites do with a configured registry: call a tool, and wait on its servers. */
final class McpCalls {
  private McpCalls() {}

  /** A registry with the built-in tools and the MCP servers {@code hocon} configures. */
  static ToolRegistry registry(ActorTestKit testKit, String hocon) {
    var config = ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load());
    return ToolRegistry.configured(testKit.system(), ToolSettings.from(config), Clock.systemUTC());
  }

  /** One call of {@code name}, as a conversation's turn would make it. */
  static CompletableFuture<String> invoke(ToolRegistry registry, String name, String arguments) {
    return registry
        .invoke(new ToolCall("c1", name, arguments), new ToolContext("test/1", "test/1/1/0", null))
        .toCompletableFuture();
  }

  /** {@link #invoke}, waiting up to 60 s for the answer. */
  static String call(ToolRegistry registry, String name, String arguments) throws Exception {
    return invoke(registry, name, arguments).get(60, TimeUnit.SECONDS);
  }

  /** Calls (every 100 ms, Pekko's awaitAssert) until the answer is {@code expected}. */
  static String callUntil(
      ActorTestKit testKit,
      ToolRegistry registry,
      Duration within,
      String expected,
      String name,
      String arguments) {
    return testKit
        .createTestProbe()
        .awaitAssert(
            within,
            () -> {
              String answer;
              try {
                answer = call(registry, name, arguments);
              } catch (Exception e) {
                throw new AssertionError(e);
              }
              assertEquals(expected, answer);
              return answer;
            });
  }

  /** Waits (every 100 ms) until {@code condition} holds. */
  static void awaitCondition(
      ActorTestKit testKit, Duration within, String what, BooleanSupplier condition) {
    testKit
        .createTestProbe()
        .awaitAssert(
            within,
            () -> {
              assertTrue(condition.getAsBoolean(), what);
              return null;
            });
  }
}
