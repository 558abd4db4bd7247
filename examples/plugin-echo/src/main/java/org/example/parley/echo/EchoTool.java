package org.example.parley.echo;

import dev.parley.tool.Tool;
import dev.parley.tool.ToolContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A plug-in tool for Parley: answers with the arguments the model sent, which the registry has
 * already checked against the schema below. It needs nothing but Parley's {@code Tool} interface
 * and answers at once; a tool that does I/O or other blocking work runs it on {@code
 * context.blockingExecutor()}, e.g. {@code CompletableFuture.supplyAsync(work,
 * context.blockingExecutor())}, and never blocks the thread that calls it.
 */
public final class EchoTool implements Tool {
  /** ServiceLoader creates the tool through its public no-arg constructor. */
  public EchoTool() {}

  @Override
  public String name() {
    return "echo";
  }

  @Override
  public String description() {
    return "Repeats the given text back, as the JSON arguments it was called with.";
  }

  @Override
  public String parametersSchema() {
    return """
        {"type": "object",
         "properties": {"text": {"type": "string", "description": "What to repeat"}},
         "required": ["text"],
         "additionalProperties": false}""";
  }

  @Override
  public CompletionStage<String> call(String argumentsJson, ToolContext context) {
    return CompletableFuture.completedFuture(argumentsJson);
  }
}
