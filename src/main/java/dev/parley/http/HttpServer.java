package dev.parley.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the webhook and API listener. Unknown paths, wrong methods and unexpected errors all answer
 * in the API's JSON error shape, never with a stack trace.
 */
public final class HttpServer {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  private HttpServer() {}

  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, HttpSettings settings, Route routes) {
    Route guarded =
        handleExceptions(
            ExceptionHandler.newBuilder()
                .matchAny(
                    e -> {
                      log.error("unexpected failure serving a request", e);
                      return complete(
                          JsonResponses.error(
                              StatusCodes.INTERNAL_SERVER_ERROR,
                              "internal",
                              "Something went wrong on our side."));
                    })
                .build(),
            () -> handleRejections(rejections(), () -> routes));
    return Http.get(system).newServerAt(settings.interfaceName(), settings.port()).bind(guarded);
  }

  private static RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handle(
            MethodRejection.class,
            r ->
                complete(
                    JsonResponses.error(
                        StatusCodes.METHOD_NOT_ALLOWED,
                        "method-not-allowed",
                        "This path does not take that method.")))
        .handleNotFound(
            complete(JsonResponses.error(StatusCodes.NOT_FOUND, "not-found", "No such endpoint.")))
        .build()
        .withFallback(RejectionHandler.defaultHandler());
  }
}
