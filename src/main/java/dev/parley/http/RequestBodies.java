package dev.parley.http;

import dev.parley.async.Stages;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import scala.Option;

/**
 * A request's body as bytes, at most {@code maxBytes}. A body that arrived whole (strict, the usual
 * case for a small JSON post) is taken as it is: pekko-http's {@code toStrict} would run a stream,
 * an actor included, for every request even then, which showed in the profile. A streamed body is
 * collected within the timeout. A body over the limit fails as pekko-http's own size error, which
 * {@link ApiErrors#bodyError} answers with 413.
 */
final class RequestBodies {
  private RequestBodies() {}

  static CompletionStage<byte[]> read(
      HttpEntity entity, long timeoutMillis, long maxBytes, Materializer materializer) {
    if (entity instanceof HttpEntity.Strict strict) {
      int size = strict.getData().size();
      return size > maxBytes
          ? CompletableFuture.failedFuture(new EntityStreamSizeException(maxBytes, Option.empty()))
          : CompletableFuture.completedFuture(strict.getData().toArray());
    }
    OptionalLong declared = entity.getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > maxBytes) {
      // Refused from its declared length, but read to its end first (the bytes are dropped;
      // pekko-http's own max-content-length still bounds them): refused at once, the client
      // still writing the body could see its connection closed instead of the 413.
      return Stages.on(
              materializer.executionContext(), entity.discardBytes(materializer).completionStage())
          .handle(
              (done, error) -> {
                throw new CompletionException(
                    new EntityStreamSizeException(maxBytes, Option.empty()));
              });
    }
    return Stages.on(
            materializer.executionContext(), entity.toStrict(timeoutMillis, maxBytes, materializer))
        .thenApply(whole -> whole.getData().toArray());
  }
}
