package dev.parley.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
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
 */
public final class HealthRoutes implements ManagementRouteProvider {
  private final HealthChecks checks;
  private final HealthCheckSettings settings;

  public HealthRoutes(ExtendedActorSystem system) {
    this.settings =
        HealthCheckSettings.create(
            system.settings().config().getConfig("pekko.management.health-checks"));
    this.checks = new HealthChecks(system, settings);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings providerSettings) {
    return concat(
        path(settings.readinessPath(), () -> get(() -> answer(checks::readyResult))),
        path(settings.livenessPath(), () -> get(() -> answer(checks::aliveResult))));
  }

  /**
   * 200 when every check passed; 503 with the reason otherwise. A check that fails (rather than
   * answering false) fails the whole result, with its message; both are "not healthy".
   */
  private static Route answer(Supplier<CompletionStage<CheckResult>> check) {
    return completeWithFuture(
        check
            .get()
            .handle(
                (result, error) -> {
                  if (error == null && result.isSuccess()) {
                    return HttpResponse.create().withStatus(StatusCodes.OK).withEntity("OK");
                  }
                  String reason =
                      error == null ? result.failure().orElse("a check failed") : reason(error);
                  return HttpResponse.create()
                      .withStatus(StatusCodes.SERVICE_UNAVAILABLE)
                      .withEntity("Not healthy: " + reason);
                }));
  }

  private static String reason(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
