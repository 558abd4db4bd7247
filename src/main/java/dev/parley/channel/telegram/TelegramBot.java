package dev.parley.channel.telegram;

import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The configured bot on this node: one Bot API client shared by the start-up calls, the webhook
 * (which answers button presses with it) and the reply sender. {@link #start} begins the start-up
 * calls in the background ({@link TelegramBotStartup}: getMe, setWebhook, getWebhookInfo) and
 * returns at once; until getMe answers, {@link #identity()} is null.
 */
public final class TelegramBot {
  private final TelegramBotApi api;
  private final TelegramBotStartup startup;
  private final TelegramReplySender replySender;

  private TelegramBot(
      TelegramBotApi api, TelegramBotStartup startup, TelegramReplySender replySender) {
    this.api = api;
    this.startup = startup;
    this.replySender = replySender;
  }

  /** Starts the bot of {@code settings} (which must be configured), reporting to {@code health}. */
  public static TelegramBot start(
      ActorSystem<?> system, TelegramSettings settings, TelegramHealth health) {
    TelegramBotApi api = new TelegramBotApi(system, settings);
    TelegramBotStartup startup = new TelegramBotStartup(system, api, settings, health).start();
    return new TelegramBot(api, startup, new TelegramReplySender(system, api, settings));
  }

  public TelegramBotApi api() {
    return api;
  }

  /** The bot's id and username, or null while getMe has not answered. */
  public BotIdentity identity() {
    return startup.identity();
  }

  public TelegramReplySender replySender() {
    return replySender;
  }
}
