package dev.parley.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import dev.parley.metrics.MetricRegistry;
import dev.parley.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /metrics} on the management port, in Prometheus text format 0.0.4. Pekko Management
 * builds this route provider itself (named in {@code pekko.management.http.routes}, constructed
 * with the actor system), so Main hands it the node's {@link Metrics} through {@link #publish}, a
 * per-system extension; until then the route answers 503. Served there rather than on a listener of
 * our own: one port for everything operators scrape and probe, and no second server to bind, secure
 * and shut down.
 */
public final class MetricsRoutes implements ManagementRouteProvider {
  private static final ContentType EXPOSITION = ContentTypes.parse(MetricRegistry.CONTENT_TYPE);

  private final Published published;

  public MetricsRoutes(ExtendedActorSystem system) {
    this.published = Published.ID.get(system);
  }

  /** Makes {@code metrics} the ones {@code /metrics} serves on {@code system}'s management port. */
  public static void publish(ActorSystem system, Metrics metrics) {
    Published.ID.get(system).metrics.set(metrics);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return path("metrics", () -> get(() -> scrape(published.metrics.get())));
  }

  /**
   * {@code GET /metrics} on the API port as well, for scrapers that only reach that port: guarded
   * like the chat API (bearer token, or loopback only without one), since webhooks make that port
   * public.
   */
  public static Route onApiPort(Metrics metrics, HttpSettings http) {
    ApiAuth auth = new ApiAuth(http.apiToken());
    return path("metrics", () -> get(() -> auth.require(() -> scrape(metrics))));
  }

  private static Route scrape(Metrics metrics) {
    if (metrics == null) {
      return complete(StatusCodes.SERVICE_UNAVAILABLE, "metrics are not ready yet");
    }
    return completeWithFuture(
        metrics
            .registry()
            .scrape()
            .thenApply(
                text ->
                    HttpResponse.create()
                        .withEntity(
                            HttpEntities.create(
                                EXPOSITION, text.getBytes(StandardCharsets.UTF_8)))));
  }

  /** The node's metrics, per actor system. */
  private static final class Published implements Extension {
    static final Id ID = new Id();
    final AtomicReference<Metrics> metrics = new AtomicReference<>();
  }

  private static final class Id extends AbstractExtensionId<Published>
      implements ExtensionIdProvider {
    @Override
    public Published createExtension(ExtendedActorSystem system) {
      return new Published();
    }

    @Override
    public Id lookup() {
      return Published.ID;
    }
  }
}
