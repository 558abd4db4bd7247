package dev.parley;

import dev.parley.llm.FallbackModelClient;
import dev.parley.llm.LlmSettings;
import dev.parley.llm.ModelClient;
import dev.parley.llm.OfflineModel;
import dev.parley.tool.ToolRegistry;
import dev.parley.tool.ToolSettings;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The parts a node is assembled from that tests replace: the model, the tools and the clock. {@link
 * #from} picks the production ones from the settings.
 */
public record Deps(ModelClient model, ToolRegistry tools, Clock clock) {

  /** The production parts, their settings read from {@code system}'s configuration. */
  public static Deps fromConfig(ActorSystem<?> system) {
    var config = system.settings().config();
    return from(system, LlmSettings.from(config).validate(), ToolSettings.from(config));
  }

  /**
   * The production parts: the offline model or the OpenAI-compatible client, the built-in tools and
   * those configured under {@code parley.tool.http}.
   */
  public static Deps from(ActorSystem<?> system, LlmSettings llm, ToolSettings tools) {
    ModelClient model =
        llm.isOffline() ? new OfflineModel() : FallbackModelClient.create(system, llm);
    return new Deps(
        model, ToolRegistry.configured(system, tools, Clock.systemUTC()), Clock.systemUTC());
  }
}
