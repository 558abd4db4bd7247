package dev.parley.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.parley.async.Recent;
import dev.parley.async.Stages;
import dev.parley.cluster.NodeLifecycle;
import dev.parley.cluster.ReadinessDetail;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.HealthCheckSettings;
import org.apache.pekko.management.javadsl.CheckResult;
import org.apache.pekko.management.javadsl.HealthChecks;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code /alive} and {@code /ready} on the management port: the checks configured under {@code
 * pekko.management.health-checks}, answered 200 when all pass and 503 with the failing check's
 * reason otherwise. Replaces Pekko's own route (which answers a failing check with 500) so that
 * "not ready" reads as what it is, a temporary unavailability, for probes and load balancers alike.
 *
 * <p>{@code /ready} answers JSON: {@code {"status": "ready" | "not-ready", "reason"?, "detail":
 * {...}}}. The detail ({@link ReadinessDetail}: database, Telegram, WhatsApp, MCP servers) is only
 * reported; it never decides the status code, which the checks alone do. {@code /alive} stays plain
 * text.
 *
 * <p>Both answers are shared for {@code parley.health.reuse-for} (see {@link Recent}): probes from
 * every kubelet and load balancer, however many, run the checks and build the JSON at most once per
 * interval, so a probe stays cheap and fast while the node is busy.
 */
public final class HealthRoutes implements ManagementRouteProvider {
  private final HealthChecks checks;
  private final HealthCheckSettings settings;
  private final ReadinessDetail detail;
  private final Executor executor;
  private final Recent<HttpResponse> readyAnswer;
  private final Recent<HttpResponse> aliveAnswer;
  private final NodeLifecycle lifecycle;

  public HealthRoutes(ExtendedActorSystem system) {
    Config config = system.settings().config();
    this.settings = HealthCheckSettings.create(config.getConfig("pekko.management.health-checks"));
    this.checks = new HealthChecks(system, settings);
    this.detail = ReadinessDetail.get(system);
    this.executor = system.dispatcher();
    Duration reuseFor = config.getDuration("parley.health.reuse-for");
    this.readyAnswer = new Recent<>(reuseFor, this::readyNow);
    this.aliveAnswer = new Recent<>(reuseFor, this::aliveNow);
    this.lifecycle = NodeLifecycle.get(system);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings providerSettings) {
    return concat(
        path(settings.readinessPath(), () -> get(() -> completeWithFuture(ready()))),
        path(settings.livenessPath(), () -> get(() -> completeWithFuture(aliveAnswer.get()))));
  }

  /**
   * The shared answer, except once shutdown has started: then every probe runs the checks, so that
   * a leaving node reads as not ready from its first moment, not up to {@code reuse-for} later.
   */
  private CompletableFuture<HttpResponse> ready() {
    return lifecycle.shuttingDown() ? readyNow() : readyAnswer.get();
  }

  /** The readiness verdict (from the checks only) with the detail next to it. */
  private CompletableFuture<HttpResponse> readyNow() {
    CompletableFuture<String> failure =
        Stages.on(executor, checks.readyResult()).handle(HealthRoutes::failure);
    CompletableFuture<ObjectNode> parts =
        detail
            .snapshot()
            .exceptionally(
                error ->
                    JsonResponses.MAPPER
                        .createObjectNode()
                        .put("error", error.getClass().getSimpleName()))
            .toCompletableFuture();
    return failure.thenCombine(
        parts,
        (reason, detailNow) -> {
          ObjectNode body = JsonResponses.MAPPER.createObjectNode();
          body.put("status", reason == null ? "ready" : "not-ready");
          if (reason != null) {
            body.put("reason", reason);
          }
          body.set("detail", detailNow);
          return JsonResponses.json(
              reason == null ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body);
        });
  }

  /** 200 when every check passed; 503 with the reason otherwise. */
  private CompletableFuture<HttpResponse> aliveNow() {
    return Stages.on(executor, checks.aliveResult())
        .handle(
            (result, error) -> {
              String reason = failure(result, error);
              return reason == null
                  ? HttpResponse.create().withStatus(StatusCodes.OK).withEntity("OK")
                  : HttpResponse.create()
                      .withStatus(StatusCodes.SERVICE_UNAVAILABLE)
                      .withEntity("Not healthy: " + reason);
            });
  }

  /**
   * Null when every check passed, else why not. A check that fails (rather than answering false)
   * fails the whole result, with its message; both are "not healthy".
   */
  private static String failure(CheckResult result, Throwable error) {
    if (error == null && result.isSuccess()) {
      return null;
    }
    return error == null ? result.failure().orElse("a check failed") : reason(error);
  }

  private static String reason(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
