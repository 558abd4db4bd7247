package dev.parley;

import com.typesafe.config.Config;
import dev.parley.channel.telegram.TelegramSettings;
import dev.parley.channel.whatsapp.WhatsAppSettings;
import dev.parley.cluster.Management;
import dev.parley.cluster.NodeConfig;
import dev.parley.conversation.ConversationSettings;
import dev.parley.db.DatabaseCheck;
import dev.parley.http.HttpSettings;
import dev.parley.llm.LlmSettings;
import dev.parley.tool.ToolSettings;
import java.time.Duration;

/**
 * Every setting a node starts with, read from the configuration once and checked together, so that
 * a configuration that cannot work stops start-up with one clear sentence ({@link
 * IllegalArgumentException} or a {@code ConfigException}) before anything starts. {@link Main}
 * passes the parts down to what it builds; nothing below reads the configuration again for them.
 */
record NodeSettings(
    Config config,
    HttpSettings http,
    LlmSettings llm,
    ConversationSettings conversation,
    ToolSettings tools,
    TelegramSettings telegram,
    WhatsAppSettings whatsApp,
    Database database,
    Duration shardingTimeout,
    boolean joinsItself) {

  /** The journal's database as Parley manages it beside the journal plugin. */
  record Database(
      String kind, boolean autoSchema, Duration h2Housekeeping, DatabaseCheck.Settings check) {
    boolean isH2() {
      return kind.equals("h2");
    }

    boolean isPostgres() {
      return kind.equals("postgres");
    }
  }

  /**
   * Reads and checks the settings of a configuration already resolved by {@link
   * NodeConfig#resolve}, in the order a person would fix them: HTTP, model, conversation, tools,
   * channels.
   */
  static NodeSettings of(Config config) {
    HttpSettings http = HttpSettings.from(config);
    LlmSettings llm = LlmSettings.from(config).validate();
    ConversationSettings conversation = ConversationSettings.from(config);
    ToolSettings tools = ToolSettings.from(config);
    TelegramSettings telegram = TelegramSettings.from(config).validate(http.apiToken());
    WhatsAppSettings whatsApp = WhatsAppSettings.from(config);
    whatsApp.requireApiToken(config.getString("parley.http.api-token"));
    return new NodeSettings(
        config,
        http,
        llm,
        conversation,
        tools,
        telegram,
        whatsApp,
        new Database(
            config.getString("parley.db.kind"),
            config.getBoolean("parley.db.auto-schema"),
            config.getDuration("parley.db.h2.housekeeping-interval"),
            DatabaseCheck.Settings.from(config)),
        config.getDuration("parley.metrics.sharding-timeout"),
        // Without seed nodes or discovery the node forms a cluster of its own (only on H2).
        config.getStringList("pekko.cluster.seed-nodes").isEmpty()
            && !Management.usesKubernetesDiscovery(config));
  }
}
