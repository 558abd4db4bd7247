package dev.parley.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.http.javadsl.Http;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's lifecycle as readiness sees it: serving once Main has bound the API listener, and
 * draining from the moment coordinated shutdown starts. Draining is read from the shutdown reason,
 * which {@code CoordinatedShutdown.run} sets before its first phase runs (so also when the cluster
 * downs or removes the node), and is also set by a task in {@code before-service-unbind}, the first
 * phase, which logs it. Either way readiness is false before the API unbinds in {@code
 * service-unbind} and long before sharding hands off; Pekko's own checks stay true through that. At
 * the end, once sharding has handed off, it closes the node's outbound HTTP connection pools.
 */
public final class NodeLifecycle implements Extension {
  private static final Logger log = LoggerFactory.getLogger(NodeLifecycle.class);
  private static final Id ID = new Id();

  private final CoordinatedShutdown shutdown;
  private final AtomicBoolean serving = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();

  private NodeLifecycle(ExtendedActorSystem system) {
    this.shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "parley-unready",
        () -> {
          draining.set(true);
          log.info(
              "parley: shutting down ({}); readiness is now false",
              shutdown.getShutdownReason().map(Object::toString).orElse("unknown reason"));
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    // Once the entities are gone, the outbound pools (model, Telegram, WhatsApp, HTTP tools)
    // close as a step of the shutdown; left to the actor system's end, pekko-http reports each
    // live pool as "shut down unexpectedly", an ERROR with a stack trace on every rollout.
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "parley-close-http-pools",
        () ->
            Http.get(system).shutdownAllConnectionPools().thenApply(closed -> Done.getInstance()));
  }

  public static NodeLifecycle get(ClassicActorSystemProvider system) {
    return ID.get(system.classicSystem());
  }

  /** The API listener is bound: traffic sent here is served. */
  public void markServing() {
    serving.set(true);
  }

  public boolean shuttingDown() {
    return draining.get() || shutdown.getShutdownReason().isPresent();
  }

  /** Serving and not shutting down (cluster membership and sharding are checked on their own). */
  public boolean acceptsTraffic() {
    return serving.get() && !shuttingDown();
  }

  private static final class Id extends AbstractExtensionId<NodeLifecycle>
      implements ExtensionIdProvider {
    @Override
    public NodeLifecycle createExtension(ExtendedActorSystem system) {
      return new NodeLifecycle(system);
    }

    @Override
    public Id lookup() {
      return ID;
    }
  }
}
