package dev.parley.conversation;

import com.typesafe.config.Config;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The actor test kit of an entity test class, on {@code config} (from {@link
 * EntityFixture#config}), and the in-memory journal in it; shut down after the class's last test
 * when registered: {@code @RegisterExtension static final EntityKit KIT = new EntityKit(CONFIG);}.
 */
final class EntityKit implements AfterAllCallback {
  private final ActorTestKit testKit;
  private final PersistenceTestKit journal;

  EntityKit(Config config) {
    testKit = ActorTestKit.create(config);
    journal = PersistenceTestKit.create(testKit.system());
  }

  ActorTestKit testKit() {
    return testKit;
  }

  PersistenceTestKit journal() {
    return journal;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    testKit.shutdownTestKit();
  }
}
