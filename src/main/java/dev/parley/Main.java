package dev.parley;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.parley.channel.telegram.TelegramBotApi;
import dev.parley.channel.telegram.TelegramHealth;
import dev.parley.channel.telegram.TelegramReplySender;
import dev.parley.channel.telegram.TelegramSettings;
import dev.parley.channel.whatsapp.WhatsAppHealth;
import dev.parley.channel.whatsapp.WhatsAppSettings;
import dev.parley.cluster.Management;
import dev.parley.cluster.NodeConfig;
import dev.parley.cluster.NodeLifecycle;
import dev.parley.cluster.ReadinessDetail;
import dev.parley.cluster.ShardStats;
import dev.parley.conversation.ConversationDeps;
import dev.parley.conversation.ConversationEntity;
import dev.parley.conversation.ConversationSettings;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.JdbcConversationEraser;
import dev.parley.conversation.JdbcJournalIndex;
import dev.parley.conversation.ReplySender;
import dev.parley.conversation.ReplySenders;
import dev.parley.conversation.TurnArchive;
import dev.parley.db.DatabaseCheck;
import dev.parley.db.H2Housekeeping;
import dev.parley.db.JdbcConnections;
import dev.parley.db.PostgresSchema;
import dev.parley.http.ChatApiRoutes;
import dev.parley.http.HttpServer;
import dev.parley.http.HttpSettings;
import dev.parley.http.MetricsRoutes;
import dev.parley.http.TelegramWebhookRoutes;
import dev.parley.llm.LlmSettings;
import dev.parley.metrics.MeteredModelClient;
import dev.parley.metrics.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
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
    java.util.concurrent.atomic.AtomicInteger exitCode =
        new java.util.concurrent.atomic.AtomicInteger();
    init(system, Deps.fromConfig(system))
        .whenComplete(
            (binding, error) -> {
              if (error != null) {
                log.error("parley: start-up failed, stopping", error);
                exitCode.set(1); // a supervisor must see a failed start as a failure
                system.terminate();
              }
            });
    system.getWhenTerminated().thenRun(() -> System.exit(exitCode.get()));
  }

  /** The configuration a node starts with, checked; throws with one clear sentence. */
  public static Config checked(Config loaded) {
    Config config = NodeConfig.resolve(loaded);
    HttpSettings.from(config);
    LlmSettings.from(config).validate();
    ConversationSettings.from(config);
    TelegramSettings.from(config).validate(HttpSettings.from(config).apiToken());
    dev.parley.channel.whatsapp.WhatsAppSettings.from(config)
        .requireApiToken(config.getString("parley.http.api-token"));
    return config;
  }

  /** H2's housekeeping round, on the blocking dispatcher, until the node starts to stop. */
  private static void keepH2Compact(
      ActorSystem<?> system, JdbcConnections connections, Duration interval) {
    H2Housekeeping housekeeping = new H2Housekeeping(connections);
    Cancellable rounds =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                interval,
                interval,
                housekeeping::round,
                system
                    .dispatchers()
                    .lookup(DispatcherSelector.fromConfig("parley.blocking-dispatcher")));
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "parley-h2-housekeeping",
            () -> {
              rounds.cancel();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
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
    JdbcConnections connections = () -> database.source().createConnection();
    var eraser = new JdbcConversationEraser(connections, blocking);
    // The readiness detail: reported by /ready, never part of its verdict (see ReadinessDetail).
    ReadinessDetail detail = ReadinessDetail.get(system);
    DatabaseCheck databaseCheck =
        new DatabaseCheck(connections, blocking, DatabaseCheck.Settings.from(config), deps.clock());
    detail.register("database", databaseCheck::detail);
    databaseCheck.check();
    TelegramHealth telegramHealth = new TelegramHealth();
    boolean telegramOn = TelegramSettings.from(config).configured();
    boolean whatsAppOn = WhatsAppSettings.from(config).configured();
    detail.register(
        "telegram",
        () ->
            CompletableFuture.completedFuture(
                telegramOn ? telegramHealth.toJson() : TelegramHealth.notConfigured()));
    WhatsAppHealth whatsAppHealth = new WhatsAppHealth();
    detail.register(
        "whatsapp",
        () ->
            CompletableFuture.completedFuture(
                whatsAppOn ? whatsAppHealth.toJson() : WhatsAppHealth.notConfigured()));
    if (config.getString("parley.db.kind").equals("h2")) {
      keepH2Compact(system, connections, config.getDuration("parley.db.h2.housekeeping-interval"));
    }
    CompletionStage<?> schema;
    if (!config.getBoolean("parley.db.auto-schema")) {
      schema = CompletableFuture.completedFuture(null);
    } else if (config.getString("parley.db.kind").equals("postgres")) {
      // Our own DDL under an advisory lock: pods starting together must not race.
      schema = new PostgresSchema(connections, blocking).apply();
    } else {
      schema = SchemaUtils.createIfNotExists(system);
    }
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
                      blocking,
                      replySenders(system, config, whatsAppHealth),
                      metrics));
              ShardStats shards =
                  new ShardStats(
                      system,
                      ConversationEntity.ENTITY_KEY,
                      config.getDuration("parley.metrics.sharding-timeout"));
              metrics.sharding(shards::shards, shards::liveEntities);
              metrics.registry().beforeScrape(shards::refresh);
              Conversations conversations =
                  new Conversations(
                      system,
                      http.askTimeout(),
                      new TurnArchive(system, "jdbc-read-journal"),
                      new JdbcJournalIndex(connections, blocking));
              List<Route> routes = new ArrayList<>();
              routes.add(
                  new ChatApiRoutes(conversations, http, settings.maxTextChars(), metrics).route());
              routes.addAll(webhookRoutes(system, config, conversations, telegramHealth, metrics));
              routes.add(MetricsRoutes.onApiPort(metrics, http));
              return HttpServer.start(system, http, concat(routes))
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

  /** The reply sender of each configured channel; the chat API needs none. */
  private static ReplySenders replySenders(
      ActorSystem<?> system, Config config, WhatsAppHealth whatsAppHealth) {
    Map<String, ReplySender> senders = new HashMap<>();

    // Telegram: its sender, when a bot token is configured.
    TelegramSettings telegram = TelegramSettings.from(config);
    if (telegram.configured()) {
      senders.put(
          "tg", new TelegramReplySender(system, new TelegramBotApi(system, telegram), telegram));
    }

    // (keep the channels apart: one block each)

    // WhatsApp: its sender, when a phone number id and access token are configured.
    var whatsApp = WhatsAppSettings.from(config);
    if (whatsApp.configured()) {
      // The health holder (190: bad token) feeds the readiness detail.
      senders.put(
          "wa",
          dev.parley.channel.whatsapp.WhatsAppReplySender.create(system, whatsApp, whatsAppHealth));
    }

    return new ReplySenders(senders);
  }

  /** Webhook routes of every channel; an unconfigured channel's route says it is off. */
  private static List<Route> webhookRoutes(
      ActorSystem<?> system,
      Config config,
      Conversations conversations,
      TelegramHealth telegramHealth,
      Metrics metrics) {
    List<Route> routes = new ArrayList<>();

    // Telegram: POST /webhooks/telegram
    routes.add(
        TelegramWebhookRoutes.create(
            system, TelegramSettings.from(config), conversations, telegramHealth, metrics));

    // (keep the channels apart: one block each)

    // WhatsApp: GET and POST /webhooks/whatsapp
    routes.add(
        new dev.parley.http.WhatsAppWebhookRoutes(
                conversations,
                dev.parley.channel.whatsapp.WhatsAppSettings.from(config),
                ConversationSettings.from(config).maxTextChars(),
                metrics)
            .route());

    return routes;
  }

  private static Route concat(List<Route> routes) {
    return routes.size() == 1
        ? routes.get(0)
        : org.apache.pekko.http.javadsl.server.Directives.concat(
            routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
  }
}
