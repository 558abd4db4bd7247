package dev.parley.channel.whatsapp;

import dev.parley.async.Stages;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POST to {@code /<phone-number-id>/messages} on pekko-http's non-blocking client, with a pool
 * sized from the settings and the bearer token. Every exchange ends in a {@link GraphOutcome}
 * within the request timeout (network errors and timeouts become a retry), and the response entity
 * is always read, so a pooled connection is never left hanging.
 */
final class GraphApiClient {
  private static final Logger log = LoggerFactory.getLogger(GraphApiClient.class);

  private final ActorSystem<?> system;
  private final WhatsAppSettings settings;
  private final Http http;
  private final HttpsConnectionContext httpsContext;
  private final ConnectionPoolSettings pool;
  private final LoggingAdapter poolLog;
  private final String url;

  GraphApiClient(ActorSystem<?> system, WhatsAppSettings settings) {
    this.system = system;
    this.settings = settings;
    this.http = Http.get(system);
    this.httpsContext = http.defaultClientHttpsContext();
    this.pool =
        ConnectionPoolSettings.create(system.classicSystem())
            .withMaxConnections(settings.maxConnections())
            .withMaxOpenRequests(settings.maxOpenRequests())
            // Our own loop retries, paced and with backoff; the pool must not add its own.
            .withMaxRetries(0);
    this.poolLog = system.classicSystem().log();
    this.url = settings.messagesUrl();
  }

  CompletionStage<GraphOutcome> post(byte[] body) {
    HttpRequest request =
        HttpRequest.POST(url)
            .withEntity(ContentTypes.APPLICATION_JSON, body)
            .addHeader(Authorization.oauth2(settings.accessToken()));
    return Stages.on(
            system.executionContext(), http.singleRequest(request, httpsContext, pool, poolLog))
        .thenCompose(this::read)
        .toCompletableFuture()
        .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(
            error -> {
              // No request data in the message: the body holds the user's phone number and text.
              log.debug("WhatsApp: the Graph API exchange failed: {}", error.toString());
              return new GraphOutcome.Retry("network: " + error.getClass().getSimpleName());
            });
  }

  private CompletionStage<GraphOutcome> read(HttpResponse response) {
    int status = response.status().intValue();
    return Stages.on(
            system.executionContext(),
            response
                .entity()
                .toStrict(
                    settings.requestTimeout().toMillis(), settings.maxResponseBytes(), system))
        .thenApply(strict -> GraphOutcome.of(status, strict.getData().toArray()));
  }
}
