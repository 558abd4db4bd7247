package dev.parley.conversation;

import dev.parley.conversation.InternalCommand.ModelAnswered;
import dev.parley.conversation.InternalCommand.ModelFailed;
import dev.parley.conversation.InternalCommand.ToolsFinished;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ModelException;
import dev.parley.llm.ToolCall;
import dev.parley.tool.ToolContext;
import dev.parley.tool.TurnChanges;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Starts an attempt's calls off the entity's thread, the model's and the tools', and brings each
 * result back through {@code pipeToSelf} tagged with the turn id and attempt ({@link
 * ModelAnswered}, {@link ModelFailed}, {@link ToolsFinished}).
 */
final class TurnCalls {
  private final String key;
  // The channel part of the key: which tools are offered (parley.tool.policy channels).
  private final String channel;
  private final ActorContext<ConversationCommand> context;
  private final ConversationDeps deps;
  private final int maxConcurrentTools;

  TurnCalls(String key, ActorContext<ConversationCommand> context, ConversationDeps deps) {
    this.key = key;
    this.channel = ConversationKey.parse(key).channel();
    this.context = context;
    this.deps = deps;
    this.maxConcurrentTools = deps.settings().maxConcurrentTools();
  }

  /** Sends {@code attempt}'s prompt to the model. */
  void askModel(TurnAttempt attempt) {
    long turnId = attempt.turnId();
    int nr = attempt.attempt();
    CompletionStage<ChatResponse> call;
    try {
      call = deps.model().complete(attempt.request(deps.tools().specs(channel)));
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    context.pipeToSelf(
        call,
        (response, error) -> {
          if (error == null) {
            return new ModelAnswered(turnId, nr, response);
          }
          Throwable cause =
              error instanceof CompletionException && error.getCause() != null
                  ? error.getCause()
                  : error;
          String code = cause instanceof ModelException m ? m.code() : "model-error";
          return new ModelFailed(turnId, nr, code, String.valueOf(cause.getMessage()));
        });
  }

  /**
   * Runs the round's calls concurrently, at most {@code max-concurrent-tools} at once, and brings
   * their results back in call order (see {@link ToolRound}); built-in tools record what they
   * change in {@code changes}.
   */
  void runTools(TurnAttempt attempt, List<ToolCall> calls, TurnChanges changes) {
    long turnId = attempt.turnId();
    int nr = attempt.attempt();
    int round = attempt.modelCalls();
    CompletionStage<List<String>> all =
        ToolRound.run(
            calls.size(),
            maxConcurrentTools,
            index -> {
              // Turn, model round and position: stable across redos of the same turn (the
              // model's call ids are not, OpenAI's are random), and different for every call
              // within one turn (ids such as "call_0" repeat from round to round when a server
              // numbers them itself).
              String idempotencyKey = key + "/" + turnId + "/" + round + "/" + index;
              ToolContext toolContext =
                  new ToolContext(key, idempotencyKey, deps.blockingExecutor(), changes);
              return deps.tools().invoke(calls.get(index), toolContext);
            });
    context.pipeToSelf(
        all,
        (list, error) ->
            new ToolsFinished(
                turnId,
                nr,
                list != null ? list : calls.stream().map(c -> "error: " + error).toList()));
  }
}
