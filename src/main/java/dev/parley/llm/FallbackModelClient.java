package dev.parley.llm;

import dev.parley.async.Stages;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models tried in order ({@code parley.llm.fallbacks}): a call goes to the first, and when that one
 * has failed for good (after its own retries), to the next; the last one's failure is the call's. A
 * request Parley itself could not build ({@code invalid-request}) fails at once: every model would
 * refuse it the same way.
 */
public final class FallbackModelClient implements ModelClient {
  private static final Logger log = LoggerFactory.getLogger(FallbackModelClient.class);

  private final List<ModelClient> models;
  private final List<String> names;
  private final Executor executor;

  FallbackModelClient(List<ModelClient> models, List<String> names, Executor executor) {
    if (models.isEmpty() || models.size() != names.size()) {
      throw new IllegalArgumentException("one name per model, at least one model");
    }
    this.models = List.copyOf(models);
    this.names = List.copyOf(names);
    this.executor = executor;
  }

  /** The primary model and its fallbacks, each an {@link OpenAiModelClient} of its own. */
  public static ModelClient create(ActorSystem<?> system, LlmSettings settings) {
    List<LlmSettings> chain = settings.chain();
    if (chain.size() == 1) {
      return OpenAiModelClient.create(system, settings);
    }
    return new FallbackModelClient(
        chain.stream().map(s -> (ModelClient) OpenAiModelClient.create(system, s)).toList(),
        chain.stream().map(LlmSettings::model).toList(),
        system.executionContext());
  }

  @Override
  public CompletionStage<ChatResponse> complete(ChatRequest request) {
    return from(0, request);
  }

  private CompletionStage<ChatResponse> from(int index, ChatRequest request) {
    CompletionStage<ChatResponse> call;
    try {
      call = models.get(index).complete(request);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    if (index == models.size() - 1) {
      return call;
    }
    return Stages.on(executor, call)
        .handle(
            (response, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(response);
              }
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              if (cause instanceof ModelException e && e.code().equals("invalid-request")) {
                return CompletableFuture.<ChatResponse>failedFuture(cause);
              }
              // Debug: in an outage every call says so; the failing model's breaker warns once.
              log.debug(
                  "Model {} failed for good ({}); trying {}",
                  names.get(index),
                  cause instanceof ModelException e ? e.code() : cause.getClass().getSimpleName(),
                  names.get(index + 1));
              return from(index + 1, request);
            })
        .thenCompose(next -> next);
  }
}
