package dev.parley;

import dev.parley.llm.LlmSettings;
import dev.parley.llm.ModelClient;
import dev.parley.llm.OfflineModel;
import dev.parley.llm.OpenAiModelClient;
import dev.parley.tool.ToolRegistry;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The parts a node is assembled from that tests replace: the model, the tools and the clock. {@link
 * #fromConfig} picks the production ones from the configuration.
 */
public record Deps(ModelClient model, ToolRegistry tools, Clock clock) {

  public static Deps fromConfig(ActorSystem<?> system) {
    var config = system.settings().config();
    LlmSettings llm = LlmSettings.from(config).validate();
    ModelClient model =
        llm.isOffline() ? new OfflineModel() : OpenAiModelClient.create(system, llm);
    return new Deps(model, ToolRegistry.fromConfig(system, Clock.systemUTC()), Clock.systemUTC());
  }
}
