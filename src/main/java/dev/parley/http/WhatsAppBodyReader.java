package dev.parley.http;

import dev.parley.async.Stages;
import dev.parley.channel.whatsapp.WhatsAppSignature;
import dev.parley.channel.whatsapp.WhatsAppSignature.Check;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;

/**
 * Reads a WhatsApp webhook body the way a body from anyone must be read. A request whose {@code
 * X-Hub-Signature-256} is missing or malformed is refused before any of its body is read. Otherwise
 * each chunk goes into the HMAC and into the collected body as it arrives, held against the node's
 * {@link UnverifiedBytes} (503 with {@code Retry-After} past it) and against max-webhook-bytes (413
 * past it, or at once when the Content-Length says so), and released when the body has been
 * verified or refused. Nothing is parsed before the signature matched.
 */
final class WhatsAppBodyReader {
  /** What reading a body came to. */
  sealed interface Outcome permits Verified, Refused {}

  /** The body, whose signature matched. */
  record Verified(byte[] body) implements Outcome {}

  /** A refusal; {@code reason} is its label in {@code parley_webhook_refusals_total}. */
  record Refused(String reason, HttpResponse response) implements Outcome {}

  private final WhatsAppSignature signature;
  private final UnverifiedBytes unverified;
  private final long maxBytes;
  private final Duration timeout;

  WhatsAppBodyReader(
      WhatsAppSignature signature, UnverifiedBytes unverified, long maxBytes, Duration timeout) {
    this.signature = signature;
    this.unverified = unverified;
    this.maxBytes = maxBytes;
    this.timeout = timeout;
  }

  CompletionStage<Outcome> read(HttpEntity entity, String header, Materializer materializer) {
    Optional<Check> check = signature.start(header);
    if (check.isEmpty()) {
      return done(badSignature());
    }
    OptionalLong declared = entity.getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > maxBytes) {
      return done(tooLarge());
    }
    Body body = new Body(check.get());
    if (entity instanceof HttpEntity.Strict strict) {
      // Arrived whole (the usual case): checked at once, without running a stream per request.
      try {
        body.add(strict.getData());
        return done(body.outcome());
      } catch (RuntimeException e) {
        return done(failed(e));
      } finally {
        body.release();
      }
    }
    return Stages.on(
            materializer.executionContext(),
            entity.getDataBytes().completionTimeout(timeout).runFold(body, Body::add, materializer))
        .handle(
            (read, error) -> {
              body.release();
              return error == null ? body.outcome() : failed(error);
            });
  }

  private Outcome failed(Throwable error) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof TooLarge) {
      return tooLarge();
    }
    if (cause instanceof Busy) {
      return new Refused(
          "busy",
          JsonResponses.error(
                  StatusCodes.SERVICE_UNAVAILABLE,
                  "busy",
                  "Too many webhook bodies are being received; please deliver again.")
              .addHeader(RetryAfter.create(1L)));
    }
    HttpResponse response = ApiErrors.bodyError(cause, maxBytes);
    return new Refused(response.status().intValue() == 413 ? "too-large" : "unreadable", response);
  }

  private Refused tooLarge() {
    return new Refused(
        "too-large",
        JsonResponses.error(
            StatusCodes.CONTENT_TOO_LARGE,
            "body-too-large",
            "The body is larger than " + maxBytes + " bytes."));
  }

  private static Refused badSignature() {
    return new Refused(
        "bad-signature",
        JsonResponses.error(
            StatusCodes.UNAUTHORIZED,
            "bad-signature",
            "X-Hub-Signature-256 is missing or does not match the body."));
  }

  private static CompletionStage<Outcome> done(Outcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }

  /**
   * The body so far: its HMAC, its bytes, and how many of them it holds of the node's budget. Fed
   * by one stream in order; released once, after the stream ended.
   */
  private final class Body {
    private final Check check;
    private ByteString bytes = ByteString.emptyByteString();
    private long held;

    Body(Check check) {
      this.check = check;
    }

    Body add(ByteString chunk) {
      if (bytes.size() + (long) chunk.size() > maxBytes) {
        throw new TooLarge();
      }
      if (!unverified.tryHold(chunk.size())) {
        throw new Busy();
      }
      held += chunk.size();
      check.update(chunk.asByteBuffer());
      bytes = bytes.concat(chunk);
      return this;
    }

    void release() {
      unverified.release(held);
      held = 0;
    }

    Outcome outcome() {
      return check.matches() ? new Verified(bytes.toArray()) : badSignature();
    }
  }

  /** Ends the stream of a body over max-webhook-bytes; no stack trace, it is no bug. */
  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super("body too large", null, false, false);
    }
  }

  /** Ends the stream of a body that does not fit the node's budget of unverified bytes. */
  private static final class Busy extends RuntimeException {
    Busy() {
      super("unverified bytes budget full", null, false, false);
    }
  }
}
