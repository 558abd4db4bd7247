package dev.parley;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.parley.cluster.Management;
import dev.parley.cluster.NodeConfig;
import dev.parley.cluster.NodeLifecycle;
import dev.parley.cluster.ShardStats;
import dev.parley.conversation.ConversationDeps;
import dev.parley.conversation.ConversationEntity;
import dev.parley.conversation.ConversationSettings;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.JdbcConversationEraser;
import dev.parley.conversation.TurnArchive;
import dev.parley.http.ChatApiRoutes;
import dev.parley.http.HttpServer;
import dev.parley.http.HttpSettings;
import dev.parley.http.MetricsRoutes;
import dev.parley.llm.LlmSettings;
import dev.parley.metrics.MeteredModelClient;
import dev.parley.metrics.Metrics;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots a node: checks the configuration (one clear line and exit 2 if it cannot work), starts the
 * actor system and Pekko Management (health, metrics, bootstrap), creates the schema if asked,
 * joins the cluster, registers the conversation entity with sharding and binds HTTP. Tests call
 * {@link #init} on a system of their own.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    Config config;
    try {
      config = checked(ConfigFactory.load());
    } catch (IllegalArgumentException | ConfigException e) {
      System.err.println("parley: cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), config.getString("parley.system-name"), config);
    init(system, Deps.fromConfig(system))
        .whenComplete(
            (binding, error) -> {
              if (error != null) {
                log.error("parley: start-up failed, stopping", error);
                system.terminate();
              }
            });
    system.getWhenTerminated().thenRun(() -> System.exit(0));
  }

  /** The configuration a node starts with, checked; throws with one clear sentence. */
  public static Config checked(Config loaded) {
    Config config = NodeConfig.resolve(loaded);
    HttpSettings.from(config);
    LlmSettings.from(config).validate();
    ConversationSettings.from(config);
    return config;
  }

  /** Starts everything on {@code system}; completes when the HTTP listener is bound. */
  public static CompletionStage<ServerBinding> init(ActorSystem<?> system, Deps deps) {
    Config config = system.settings().config();
    Metrics metrics = Metrics.create();
    MetricsRoutes.publish(system.classicSystem(), metrics);
    // Created now so that its shutdown task is in place before anything else can start one.
    NodeLifecycle lifecycle = NodeLifecycle.get(system);
    CompletionStage<?> management = Management.start(system);
    HttpSettings http = HttpSettings.from(config);
    ConversationSettings settings = ConversationSettings.from(config);
    Executor blocking =
        system.dispatchers().lookup(DispatcherSelector.fromConfig("parley.blocking-dispatcher"));
    var database =
        ((SlickExtensionImpl) SlickExtension.get(system.classicSystem()))
            .database(config.getConfig("jdbc-journal"))
            .database();
    var eraser = new JdbcConversationEraser(() -> database.source().createConnection(), blocking);
    CompletionStage<?> schema =
        config.getBoolean("parley.db.auto-schema")
            ? SchemaUtils.createIfNotExists(system)
            : java.util.concurrent.CompletableFuture.completedFuture(null);
    return management
        .thenCompose(bound -> schema)
        .thenCompose(
            done -> {
              Cluster cluster = Cluster.get(system);
              if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()
                  && !Management.usesKubernetesDiscovery(config)) {
                cluster.manager().tell(Join.create(cluster.selfMember().address()));
              }
              ConversationEntity.init(
                  system,
                  new ConversationDeps(
                      settings,
                      new MeteredModelClient(deps.model(), metrics),
                      deps.tools().observedBy(metrics::toolCall),
                      eraser,
                      deps.clock(),
                      blocking));
              ShardStats shards =
                  new ShardStats(
                      system,
                      ConversationEntity.ENTITY_KEY,
                      config.getDuration("parley.metrics.sharding-timeout"));
              metrics.sharding(shards::shards, shards::liveEntities);
              metrics.registry().beforeScrape(shards::refresh);
              Conversations conversations =
                  new Conversations(
                      system, http.askTimeout(), new TurnArchive(system, "jdbc-read-journal"));
              var routes =
                  new ChatApiRoutes(conversations, http, settings.maxTextChars(), metrics).route();
              return HttpServer.start(system, http, routes)
                  .thenApply(
                      binding -> {
                        // Unbinds in service-unbind (after readiness went false), then gives
                        // requests in flight until the deadline.
                        binding.addToCoordinatedShutdown(http.shutdownDeadline(), system);
                        lifecycle.markServing();
                        log.info(
                            "parley: listening on {} (db {}, model {})",
                            binding.localAddress(),
                            config.getString("parley.db.kind"),
                            config.getString("parley.llm.provider"));
                        return binding;
                      });
            });
  }
}
