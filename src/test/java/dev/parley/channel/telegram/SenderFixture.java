package dev.parley.channel.telegram;

import com.typesafe.config.ConfigFactory;
import dev.parley.DoublesKit;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * What the reply sender tests start: a Bot API double in a doubles kit of its own, and a reply
 * sender whose settings point at it ({@code more} on top of the token and the URL).
 */
final class SenderFixture implements AutoCloseable {
  final ActorTestKit kit;
  final TelegramBotApiDouble telegram;
  final TelegramSettings settings;
  final TelegramReplySender sender;

  SenderFixture(String kitName, String token, Map<String, ?> more) {
    kit = DoublesKit.create(kitName);
    telegram = TelegramBotApiDouble.start(kit.system(), token);
    Map<String, Object> config = new HashMap<>();
    config.put("parley.telegram.bot-token", token);
    config.put("parley.telegram.api-url", telegram.url());
    config.putAll(more);
    settings =
        TelegramSettings.from(ConfigFactory.parseMap(config).withFallback(ConfigFactory.load()));
    sender =
        new TelegramReplySender(kit.system(), new TelegramBotApi(kit.system(), settings), settings);
  }

  @Override
  public void close() {
    DoublesKit.stop(kit, telegram);
  }
}
