package dev.parley.conversation;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.SupervisorStrategy;

/**
 * How a conversation comes back after its journal failed it (a write or a recovery, e.g. while the
 * database is down): a restart after a growing, randomized pause, read from {@code
 * parley.conversation.persist-failure-backoff}. Pekko would stop the entity otherwise.
 */
public record PersistFailureBackoff(Duration min, Duration max, double randomFactor) {

  public static PersistFailureBackoff from(Config root) {
    Config c = root.getConfig("parley.conversation.persist-failure-backoff");
    return new PersistFailureBackoff(
        c.getDuration("min"), c.getDuration("max"), c.getDouble("random-factor"));
  }

  public BackoffSupervisorStrategy strategy() {
    return SupervisorStrategy.restartWithBackoff(min, max, randomFactor);
  }
}
