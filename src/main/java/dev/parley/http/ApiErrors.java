package dev.parley.http;

import dev.parley.channel.api.BadRequest;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure of an API call to one answer, in one place: bad input is 400, an entity that
 * did not answer in time or is busy is 503 with {@code Retry-After} (the request is safe to repeat:
 * message ids make a retry idempotent), anything unexpected is a logged 500.
 */
final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  static HttpResponse badRequest(BadRequest e) {
    return JsonResponses.error(StatusCodes.BAD_REQUEST, e.code(), e.getMessage());
  }

  static HttpResponse bodyError(Throwable error, long maxBodyBytes) {
    Throwable cause = unwrap(error);
    // toStrict(timeout, maxBytes) reports a body over maxBytes (strict or streamed) as an
    // EntityStreamException "Request too large"; EntityStreamSizeException comes from the
    // server's own max-content-length.
    if (cause instanceof EntityStreamSizeException
        || (cause instanceof EntityStreamException e
            && "Request too large".equals(e.info().summary()))) {
      return JsonResponses.error(
          StatusCodes.PAYLOAD_TOO_LARGE,
          "body-too-large",
          "The body is larger than " + maxBodyBytes + " bytes.");
    }
    log.debug("unreadable request body: {}", cause.toString());
    return JsonResponses.error(
        StatusCodes.BAD_REQUEST, "unreadable-body", "The request body could not be read.");
  }

  static String code(Throwable error) {
    Throwable cause = unwrap(error);
    return cause instanceof StatusReply.ErrorMessage ? cause.getMessage() : "";
  }

  static HttpResponse fromAsk(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof TimeoutException) {
      return unavailable("timeout", "The conversation did not answer in time; please retry.");
    }
    if (cause instanceof StatusReply.ErrorMessage) {
      return switch (cause.getMessage()) {
        case "erasing" -> unavailable("erasing", "The conversation is being erased; please retry.");
        case "too-many-waiting" ->
            unavailable("too-many-waiting", "Too many requests are waiting on this conversation.");
        case "text-too-long" ->
            JsonResponses.error(StatusCodes.BAD_REQUEST, "text-too-long", "The text is too long.");
        case "unknown-message" ->
            JsonResponses.error(
                StatusCodes.NOT_FOUND, "unknown-message", "No such message in this conversation.");
        default ->
            unavailable(
                cause.getMessage(), "The conversation could not do that now; please retry.");
      };
    }
    log.error("unexpected failure in the chat API", cause);
    return JsonResponses.error(
        StatusCodes.INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side.");
  }

  private static HttpResponse unavailable(String code, String message) {
    return JsonResponses.error(StatusCodes.SERVICE_UNAVAILABLE, code, message)
        .addHeader(RetryAfter.create(1L));
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
