package dev.parley;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * The actor system the test doubles (model server, Bot API, Graph API, tool endpoints) run in,
 * apart from the node's: a local provider keeps it off Parley's remoting port.
 */
public final class DoublesKit {
  private DoublesKit() {}

  public static ActorTestKit create(String name) {
    return ActorTestKit.create(
        name, ConfigFactory.parseMap(Map.of("pekko.actor.provider", "local")));
  }

  /**
   * Closes {@code parts} in order (a null one never started and is passed over: a node before the
   * doubles it calls), then shuts {@code kit} down.
   */
  public static void stop(ActorTestKit kit, AutoCloseable... parts) {
    try {
      for (AutoCloseable part : parts) {
        if (part != null) {
          part.close();
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("a test double did not close", e);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
