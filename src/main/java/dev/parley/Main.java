package dev.parley;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.parley.channel.telegram.TelegramHealth;
import dev.parley.channel.whatsapp.WhatsAppHealth;
import dev.parley.cluster.Management;
import dev.parley.cluster.NodeConfig;
import dev.parley.cluster.NodeLifecycle;
import dev.parley.cluster.ReadinessDetail;
import dev.parley.cluster.ShardStats;
import dev.parley.conversation.ConversationDeps;
import dev.parley.conversation.ConversationEntity;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.ReplySenders;
import dev.parley.conversation.TurnArchive;
import dev.parley.http.ChatApiRoutes;
import dev.parley.http.HttpServer;
import dev.parley.http.MetricsRoutes;
import dev.parley.metrics.MeteredModelClient;
import dev.parley.metrics.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots a node in named steps: the settings (one clear line and exit 2 if they cannot work), the
 * actor system and Pekko Management (health, metrics, bootstrap), the storage and its schema, the
 * cluster, the conversation entities with the channels' reply senders, the routes, and the HTTP
 * listener. Settings are read once ({@link NodeSettings}) and handed down. Tests call {@link #init}
 * on a system of their own.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    NodeSettings settings;
    try {
      settings =
          NodeSettings.of(
              NodeConfig.resolve(ConfigLayers.load(System.getenv(ConfigLayers.VARIABLE))));
    } catch (IllegalArgumentException | ConfigException e) {
      System.err.println("parley: cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    Config config = settings.config();
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), config.getString("parley.system-name"), config);
    AtomicInteger exitCode = new AtomicInteger();
    system.getWhenTerminated().thenRun(() -> System.exit(exitCode.get()));
    Deps deps;
    try {
      deps = Deps.from(system, settings.llm(), settings.tools());
    } catch (IllegalArgumentException e) {
      // A plug-in tool that cannot be loaded or clashes: found only once the classpath is read.
      System.err.println("parley: cannot start: " + e.getMessage());
      exitCode.set(2);
      system.terminate();
      return;
    }
    init(system, settings, deps)
        .whenComplete(
            (binding, error) -> {
              if (error != null) {
                log.error("parley: start-up failed, stopping", error);
                exitCode.set(1); // a supervisor must see a failed start as a failure
                system.terminate();
              }
            });
  }

  /** The configuration a node starts with, checked; throws with one clear sentence. */
  public static Config checked(Config loaded) {
    return NodeSettings.of(NodeConfig.resolve(loaded)).config();
  }

  /**
   * Starts everything on {@code system}, whose configuration has been {@link #checked}; completes
   * when the HTTP listener is bound.
   */
  public static CompletionStage<ServerBinding> init(ActorSystem<?> system, Deps deps) {
    return init(system, NodeSettings.of(system.settings().config()), deps);
  }

  private static CompletionStage<ServerBinding> init(
      ActorSystem<?> system, NodeSettings settings, Deps deps) {
    Metrics metrics = Metrics.create();
    MetricsRoutes.publish(system.classicSystem(), metrics);
    // Created now so that its shutdown task is in place before anything else can start one.
    NodeLifecycle lifecycle = NodeLifecycle.get(system);
    CompletionStage<?> management = Management.start(system);
    Storage storage = Storage.open(system, settings.database(), deps.clock());
    TelegramHealth telegramHealth = new TelegramHealth();
    WhatsAppHealth whatsAppHealth = new WhatsAppHealth();
    reportReadinessDetail(system, settings, storage, telegramHealth, whatsAppHealth);
    reportToolServers(system, deps, metrics);
    CompletionStage<?> schema = storage.applySchema();
    return management
        .thenCompose(bound -> schema)
        .thenCompose(
            done -> {
              joinClusterIfAlone(system, settings);
              Channels channels = Channels.start(system, settings, telegramHealth, whatsAppHealth);
              startConversations(system, settings, deps, storage, channels.replySenders(), metrics);
              Conversations conversations =
                  new Conversations(
                      system,
                      settings.http().askTimeout(),
                      new TurnArchive(system, "jdbc-read-journal"),
                      storage.journalIndex());
              return bind(system, settings, routes(settings, conversations, channels, metrics))
                  .thenApply(
                      binding -> {
                        lifecycle.markServing();
                        return binding;
                      });
            });
  }

  /** What /ready shows beside its verdict (see ReadinessDetail): database and channels. */
  private static void reportReadinessDetail(
      ActorSystem<?> system,
      NodeSettings settings,
      Storage storage,
      TelegramHealth telegramHealth,
      WhatsAppHealth whatsAppHealth) {
    ReadinessDetail detail = ReadinessDetail.get(system);
    detail.register("database", storage.check()::detail);
    boolean telegramOn = settings.telegram().configured();
    boolean whatsAppOn = settings.whatsApp().configured();
    detail.register(
        "telegram",
        () ->
            CompletableFuture.completedFuture(
                telegramOn ? telegramHealth.toJson() : TelegramHealth.notConfigured()));
    detail.register(
        "whatsapp",
        () ->
            CompletableFuture.completedFuture(
                whatsAppOn ? whatsAppHealth.toJson() : WhatsAppHealth.notConfigured()));
  }

  /**
   * The MCP servers, up or down, in /ready's detail ({@code "mcpServers": {"files": "up"}}) and as
   * {@code parley_mcp_server_up}; only when some are configured. Never part of the verdict: a tool
   * server that is down leaves the node able to chat.
   */
  private static void reportToolServers(ActorSystem<?> system, Deps deps, Metrics metrics) {
    if (deps.tools().toolServers().isEmpty()) {
      return;
    }
    metrics.mcpServers(deps.tools()::toolServers);
    ReadinessDetail.get(system)
        .register(
            "mcpServers",
            () -> {
              ObjectNode servers = JsonNodeFactory.instance.objectNode();
              deps.tools()
                  .toolServers()
                  .forEach((name, up) -> servers.put(name, up ? "up" : "down"));
              return CompletableFuture.completedFuture(servers);
            });
  }

  /** Without seed nodes or discovery, the node forms a cluster of its own (H2 only). */
  private static void joinClusterIfAlone(ActorSystem<?> system, NodeSettings settings) {
    if (settings.joinsItself()) {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  /** Registers the conversation entity with sharding, and its shard figures with the metrics. */
  private static void startConversations(
      ActorSystem<?> system,
      NodeSettings settings,
      Deps deps,
      Storage storage,
      ReplySenders senders,
      Metrics metrics) {
    ConversationEntity.init(
        system,
        new ConversationDeps(
            settings.conversation(),
            new MeteredModelClient(deps.model(), metrics),
            deps.tools().observedBy(metrics::toolCall),
            storage.eraser(),
            deps.clock(),
            storage.blocking(),
            senders,
            metrics));
    ShardStats shards =
        new ShardStats(system, ConversationEntity.ENTITY_KEY, settings.shardingTimeout());
    metrics.sharding(shards::shards, shards::liveEntities);
    metrics.registry().beforeScrape(shards::refresh);
  }

  /** The API port's routes: chat API, the channels' webhooks, /metrics. */
  private static Route routes(
      NodeSettings settings, Conversations conversations, Channels channels, Metrics metrics) {
    List<Route> routes = new ArrayList<>();
    routes.add(
        new ChatApiRoutes(
                conversations, settings.http(), settings.conversation().maxTextChars(), metrics)
            .route());
    routes.addAll(channels.webhookRoutes(conversations, metrics));
    routes.add(MetricsRoutes.onApiPort(metrics, settings.http()));
    return Directives.concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
  }

  /**
   * Binds the API port. The listener unbinds in service-unbind (after readiness went false), then
   * gives requests in flight until the shutdown deadline.
   */
  private static CompletionStage<ServerBinding> bind(
      ActorSystem<?> system, NodeSettings settings, Route routes) {
    return HttpServer.start(system, settings.http(), routes)
        .thenApply(
            binding -> {
              binding.addToCoordinatedShutdown(settings.http().shutdownDeadline(), system);
              log.info(
                  "parley: listening on {} (db {}, model {})",
                  binding.localAddress(),
                  settings.database().kind(),
                  settings.llm().provider());
              return binding;
            });
  }
}
