package dev.parley.conversation;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.parley.llm.ModelClient;
import dev.parley.metrics.ConversationMetrics;
import dev.parley.tool.CalculatorTool;
import dev.parley.tool.CurrentTimeTool;
import dev.parley.tool.Tool;
import dev.parley.tool.ToolRegistry;
import dev.parley.tool.ToolSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.apache.pekko.Done;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;

/** Configuration and dependencies for entity tests on the in-memory persistence testkit. */
final class EntityFixture {
  private EntityFixture() {}

  static Config config(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(
            ConfigFactory.parseString(
                "pekko.actor.provider = local\n"
                    + "pekko.remote.artery.canonical.port = 0\n"
                    + "pekko.persistence.testkit.events.serialize = on\n"))
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  static ConversationDeps deps(Config config, ModelClient model, Tool... extraTools) {
    return deps(config, model, ReplySenders.none(), extraTools);
  }

  static ConversationDeps deps(
      Config config, ModelClient model, ReplySenders senders, Tool... extraTools) {
    ToolSettings toolSettings = ToolSettings.from(config);
    List<Tool> tools =
        new ArrayList<>(List.of(new CurrentTimeTool(Clock.systemUTC()), new CalculatorTool()));
    tools.addAll(List.of(extraTools));
    return new ConversationDeps(
        ConversationSettings.from(config),
        model,
        new ToolRegistry(tools, toolSettings),
        persistenceId -> CompletableFuture.completedFuture(Done.getInstance()),
        Clock.systemUTC(),
        ForkJoinPool.commonPool(),
        senders);
  }

  /** {@code deps} reporting to {@code metrics} instead of nowhere. */
  static ConversationDeps metered(ConversationDeps deps, ConversationMetrics metrics) {
    return new ConversationDeps(
        deps.settings(),
        deps.model(),
        deps.tools(),
        deps.eraser(),
        deps.clock(),
        deps.blockingExecutor(),
        deps.senders(),
        metrics);
  }

  /** {@code deps} whose erasure removes the conversation's events from {@code journal}. */
  static ConversationDeps erasingFrom(ConversationDeps deps, PersistenceTestKit journal) {
    return new ConversationDeps(
        deps.settings(),
        deps.model(),
        deps.tools(),
        persistenceId -> {
          journal.clearByPersistenceId(persistenceId);
          return CompletableFuture.completedFuture(Done.getInstance());
        },
        deps.clock(),
        deps.blockingExecutor(),
        deps.senders(),
        deps.metrics());
  }
}
