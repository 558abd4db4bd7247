package dev.parley.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the webhook and API listener. Unknown paths, wrong methods and unexpected errors all answer
 * in the API's JSON error shape, never with a stack trace. Every request is answered: a route that
 * fails in any way, an {@link Error} such as a StackOverflowError included, gets a 500 and one WARN
 * line (method, path and the failure's type; never the body, query or headers), and one that does
 * not answer within the server's request-timeout gets a 503 and a WARN line.
 */
public final class HttpServer {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  private HttpServer() {}

  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, HttpSettings settings, Route routes) {
    // Built once: the Java DSL calls an inner route's supplier for every request, and building
    // the rejection handler there (two JSON answers) was visible in the profile.
    Route routed =
        handleRejections(
            rejections(), () -> withRequestTimeoutResponse(HttpServer::timedOut, () -> routes));
    Route guarded =
        handleExceptions(
            ExceptionHandler.newBuilder()
                .matchAny(
                    e ->
                        extractRequest(
                            request -> complete(failed(request, e, "in the route's exception"))))
                .build(),
            () -> routed);
    Function<HttpRequest, CompletionStage<HttpResponse>> handler = guarded.handler(system);
    Executor executor = system.executionContext();
    Function<HttpRequest, CompletionStage<HttpResponse>> answering =
        request -> answered(handler, request, executor);
    return Http.get(system).newServerAt(settings.interfaceName(), settings.port()).bind(answering);
  }

  /**
   * The route's answer to {@code request}, or a 500 when it fails. Pekko's exception handling
   * catches non-fatal exceptions only: an Error thrown while routing would otherwise reach the
   * stream's actor, and with pekko.jvm-exit-on-fatal-error (on by default) stop the JVM.
   */
  private static CompletionStage<HttpResponse> answered(
      Function<HttpRequest, CompletionStage<HttpResponse>> handler,
      HttpRequest request,
      Executor executor) {
    CompletionStage<HttpResponse> response;
    try {
      response = handler.apply(request);
    } catch (Throwable e) {
      return CompletableFuture.completedFuture(failed(request, e, "while routing"));
    }
    return response.handleAsync(
        (answer, error) -> error == null ? answer : failed(request, error, "in its answer"),
        executor);
  }

  private static HttpResponse failed(HttpRequest request, Throwable error, String where) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    log.warn(
        "{} {} failed {} with {}; answered 500",
        request.method().value(),
        request.getUri().path(),
        where,
        describe(cause));
    log.debug("failure serving {} {}", request.method().value(), request.getUri().path(), cause);
    return JsonResponses.error(
        StatusCodes.INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side.");
  }

  /** The failure's type and where it was thrown; its message may quote the request, so not that. */
  private static String describe(Throwable e) {
    StackTraceElement[] frames = e.getStackTrace();
    return e.getClass().getName() + (frames.length > 0 ? " at " + frames[0] : "");
  }

  private static HttpResponse timedOut(HttpRequest request) {
    log.warn(
        "{} {} got no answer within the request timeout; answered 503",
        request.method().value(),
        request.getUri().path());
    return JsonResponses.error(
            StatusCodes.SERVICE_UNAVAILABLE,
            "timeout",
            "The request was not answered in time; please retry.")
        .addHeader(RetryAfter.create(1L));
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
