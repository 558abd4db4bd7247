package dev.parley.http;

import dev.parley.channel.api.BadRequest;
import dev.parley.conversation.ConversationError;
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
      String code = cause.getMessage();
      return ConversationError.ofCode(code)
          .map(ApiErrors::fromConversation)
          .orElseGet(() -> couldNot(code));
    }
    log.error("unexpected failure in the chat API", cause);
    return JsonResponses.error(
        StatusCodes.INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side.");
  }

  private static HttpResponse fromConversation(ConversationError error) {
    return switch (error) {
      case ERASING -> unavailable(error.code(), "The conversation is being erased; please retry.");
      case TOO_MANY_WAITING ->
          unavailable(error.code(), "Too many requests are waiting on this conversation.");
      case TEXT_TOO_LONG ->
          JsonResponses.error(StatusCodes.BAD_REQUEST, error.code(), "The text is too long.");
      case UNKNOWN_MESSAGE ->
          JsonResponses.error(
              StatusCodes.NOT_FOUND, error.code(), "No such message in this conversation.");
      default -> couldNot(error.code());
    };
  }

  private static HttpResponse couldNot(String code) {
    return unavailable(code, "The conversation could not do that now; please retry.");
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
