package dev.parley.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * Readiness check (registered under {@code pekko.management.health-checks.readiness-checks}): true
 * while the API listener is bound and coordinated shutdown has not started. Pekko Management builds
 * it with the actor system; the answer is a flag read, never an ask.
 */
public final class ServingCheck implements Supplier<CompletionStage<Boolean>> {
  private final NodeLifecycle lifecycle;

  public ServingCheck(ActorSystem system) {
    this.lifecycle = NodeLifecycle.get(system);
  }

  /** True when serving; otherwise fails with the reason, which {@code /ready} shows. */
  @Override
  public CompletionStage<Boolean> get() {
    if (lifecycle.shuttingDown()) {
      return CompletableFuture.failedFuture(new NotServing("coordinated shutdown has started"));
    }
    if (!lifecycle.acceptsTraffic()) {
      return CompletableFuture.failedFuture(new NotServing("the API listener is not bound yet"));
    }
    return CompletableFuture.completedFuture(true);
  }

  /** Why this node takes no traffic; an expected state, so no stack trace. */
  static final class NotServing extends RuntimeException {
    NotServing(String reason) {
      super(reason, null, false, false);
    }
  }
}
