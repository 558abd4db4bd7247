package dev.parley.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The channel a run drives the node through ({@code --channel}), and everything that goes with it:
 * the double of the channel's API the node sends replies to, the node's environment that configures
 * the channel against that double, the JVM flags that lift the channel's pacing, and the {@link
 * ChannelWire} that posts the messages. The chat API needs none of it.
 *
 * <p>Pacing is lifted because it exists to keep a real bot inside Telegram's and Meta's limits
 * (Telegram: about 1 message a second per chat and 30 per bot; WhatsApp: 80 a second per number):
 * left on, a run would measure those limits, not the node. The report says so.
 */
final class BenchChannel implements AutoCloseable {
  /** Secrets of the bench's bot and number: they only ever meet the doubles. */
  private static final String TG_TOKEN = "7000000001:bench-token-not-a-secret";

  private static final String TG_SECRET = "bench-webhook-secret";
  private static final String WA_APP_SECRET = "bench-app-secret";
  private static final String WA_ACCESS_TOKEN = "bench-access-token";
  private static final String WA_VERIFY_TOKEN = "bench-verify-token";
  private static final String WA_PHONE_NUMBER_ID = "106540352242922";

  /** Far above any rate one node reaches here: the buckets never make a send wait. */
  private static final String UNLIMITED = "1000000";

  private static final List<String> TELEGRAM_PACING =
      List.of(
          "-Dparley.telegram.pacing.chat-per-second=" + UNLIMITED,
          "-Dparley.telegram.pacing.chat-burst=" + UNLIMITED,
          "-Dparley.telegram.pacing.group-per-minute=" + UNLIMITED,
          "-Dparley.telegram.pacing.group-burst=" + UNLIMITED,
          "-Dparley.telegram.pacing.bot-per-second=" + UNLIMITED,
          "-Dparley.telegram.pacing.bot-burst=" + UNLIMITED);

  private static final List<String> WHATSAPP_PACING =
      List.of(
          "-Dparley.whatsapp.messages-per-second=" + UNLIMITED,
          "-Dparley.whatsapp.burst=" + UNLIMITED);

  private final BenchOptions.Channel channel;
  private final ChannelReplies replies;
  private final ChannelApiDouble api;

  private BenchChannel(BenchOptions.Channel channel, ChannelReplies replies, ChannelApiDouble api) {
    this.channel = channel;
    this.replies = replies;
    this.api = api;
  }

  /** Starts the channel's API double (none for the chat API) in {@code system}. */
  static BenchChannel start(BenchOptions.Channel channel, ActorSystem<?> system) {
    ChannelReplies replies = new ChannelReplies();
    return new BenchChannel(
        channel,
        replies,
        switch (channel) {
          case API -> null;
          case TELEGRAM -> BotApiDouble.start(system, TG_TOKEN, replies);
          case WHATSAPP -> GraphDouble.start(system, WA_PHONE_NUMBER_ID, WA_ACCESS_TOKEN, replies);
        });
  }

  boolean webhooks() {
    return channel != BenchOptions.Channel.API;
  }

  /**
   * The node's environment for the channel. A channel needs the API token; the listener stays on
   * loopback all the same (it would bind every interface).
   */
  Map<String, String> nodeEnvironment() {
    if (api == null) {
      return Map.of();
    }
    Map<String, String> env = new HashMap<>();
    env.put("PARLEY_API_TOKEN", "bench-api-token");
    env.put("PARLEY_HTTP_INTERFACE", "127.0.0.1");
    if (channel == BenchOptions.Channel.TELEGRAM) {
      env.put("TELEGRAM_BOT_TOKEN", TG_TOKEN);
      env.put("TELEGRAM_WEBHOOK_SECRET", TG_SECRET);
      // Registered with setWebhook at start, as a production node does; never called.
      env.put("TELEGRAM_WEBHOOK_URL", "https://bench.invalid/webhooks/telegram");
      env.put("TELEGRAM_API_URL", api.url());
    } else {
      env.put("WHATSAPP_APP_SECRET", WA_APP_SECRET);
      env.put("WHATSAPP_VERIFY_TOKEN", WA_VERIFY_TOKEN);
      env.put("WHATSAPP_ACCESS_TOKEN", WA_ACCESS_TOKEN);
      env.put("WHATSAPP_PHONE_NUMBER_ID", WA_PHONE_NUMBER_ID);
      env.put("WHATSAPP_API_URL", api.url());
    }
    return env;
  }

  /** The node's JVM flags that lift the channel's pacing; they come before {@code --heap}'s. */
  List<String> pacingFlags() {
    return switch (channel) {
      case API -> List.of();
      case TELEGRAM -> TELEGRAM_PACING;
      case WHATSAPP -> WHATSAPP_PACING;
    };
  }

  /** How messages are posted to the node at {@code apiRoot}; {@code waitSeconds} for the API. */
  ChannelWire wire(String apiRoot, int waitSeconds) {
    return switch (channel) {
      case API -> new ChatApiWire(apiRoot, waitSeconds);
      case TELEGRAM -> new TelegramUpdates(apiRoot, TG_SECRET);
      case WHATSAPP -> new WhatsAppDeliveries(apiRoot, WA_APP_SECRET, WA_PHONE_NUMBER_ID);
    };
  }

  /** Replies seen by the double, matched to the posts (unused for the chat API). */
  ChannelReplies replies() {
    return replies;
  }

  /** The channel as the reports show it, once the run is over. */
  ChannelReport report(ChannelWire wire) {
    String name = channel.name().toLowerCase(Locale.ROOT);
    return api == null
        ? new ChannelReport(name, wire.describe(), null, Map.of(), List.of())
        : new ChannelReport(name, wire.describe(), api.name(), api.calls(), pacingFlags());
  }

  @Override
  public void close() {
    if (api != null) {
      api.close();
    }
  }
}
