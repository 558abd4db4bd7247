package dev.parley.metrics;

import dev.parley.llm.ChatRequest;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ModelClient;
import dev.parley.llm.ModelException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A {@link ModelClient} that times every call into {@code parley_model_seconds} and counts failures
 * by code in {@code parley_model_errors_total}, and the tokens of each answer that reports them in
 * {@code parley_model_tokens_total}. It returns the wrapped client's own stage, so results and
 * failures pass through unchanged; a failure that is not a {@link ModelException} counts as {@code
 * other}.
 */
public final class MeteredModelClient implements ModelClient {
  private final ModelClient model;
  private final Metrics metrics;

  public MeteredModelClient(ModelClient model, Metrics metrics) {
    this.model = model;
    this.metrics = metrics;
  }

  @Override
  public CompletionStage<ChatResponse> complete(ChatRequest request) {
    long start = System.nanoTime();
    CompletionStage<ChatResponse> stage;
    try {
      stage = model.complete(request);
    } catch (RuntimeException e) {
      metrics.modelFailed(Duration.ofNanos(System.nanoTime() - start), code(e));
      throw e;
    }
    stage.whenComplete(
        (response, error) -> {
          Duration took = Duration.ofNanos(System.nanoTime() - start);
          if (error == null) {
            metrics.modelAnswered(took);
            if (response.usage() != null) {
              metrics.modelTokens(
                  response.model(),
                  response.usage().promptTokens(),
                  response.usage().completionTokens());
            }
          } else {
            metrics.modelFailed(took, code(error));
          }
        });
    return stage;
  }

  static String code(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof ModelException e ? e.code() : "other";
  }
}
