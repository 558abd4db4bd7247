package dev.parley;

import dev.parley.channel.telegram.TelegramBot;
import dev.parley.channel.telegram.TelegramHealth;
import dev.parley.channel.whatsapp.WhatsAppHealth;
import dev.parley.channel.whatsapp.WhatsAppReplySender;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.ReplySender;
import dev.parley.conversation.ReplySenders;
import dev.parley.http.TelegramWebhookRoutes;
import dev.parley.http.WhatsAppWebhookRoutes;
import dev.parley.metrics.Metrics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The channels of this node, each kept apart: a configured one gets its reply sender and its
 * webhook; one that is not configured gets no sender and a webhook route that says it is off. Each
 * channel's health holder (given, since the readiness detail shows it from the start) is fed by the
 * channel's own calls.
 */
final class Channels {
  private final NodeSettings settings;
  private final TelegramBot telegram; // null when Telegram is off
  private final WhatsAppReplySender whatsApp; // null when WhatsApp is off

  private Channels(NodeSettings settings, TelegramBot telegram, WhatsAppReplySender whatsApp) {
    this.settings = settings;
    this.telegram = telegram;
    this.whatsApp = whatsApp;
  }

  /** Starts the configured channels (the Telegram bot's start-up calls run in the background). */
  static Channels start(
      ActorSystem<?> system,
      NodeSettings settings,
      TelegramHealth telegramHealth,
      WhatsAppHealth whatsAppHealth) {
    TelegramBot telegram =
        settings.telegram().configured()
            ? TelegramBot.start(system, settings.telegram(), telegramHealth)
            : null;
    // WhatsApp's health holder learns of a rejected token (190) from the sender.
    WhatsAppReplySender whatsApp =
        settings.whatsApp().configured()
            ? WhatsAppReplySender.create(system, settings.whatsApp(), whatsAppHealth)
            : null;
    return new Channels(settings, telegram, whatsApp);
  }

  /** The reply sender of each configured channel; the chat API needs none. */
  ReplySenders replySenders() {
    Map<String, ReplySender> senders = new HashMap<>();
    if (telegram != null) {
      senders.put("tg", telegram.replySender());
    }
    if (whatsApp != null) {
      senders.put("wa", whatsApp);
    }
    return new ReplySenders(senders);
  }

  /** POST /webhooks/telegram, GET and POST /webhooks/whatsapp. */
  List<Route> webhookRoutes(Conversations conversations, Metrics metrics) {
    Route telegramRoute =
        telegram == null
            ? TelegramWebhookRoutes.off()
            : new TelegramWebhookRoutes(
                    conversations,
                    settings.telegram(),
                    telegram.api(),
                    telegram::identity,
                    settings.http(),
                    metrics)
                .route();
    Route whatsAppRoute =
        new WhatsAppWebhookRoutes(
                conversations, settings.whatsApp(), settings.conversation().maxTextChars(), metrics)
            .route();
    return List.of(telegramRoute, whatsAppRoute);
  }
}
