package dev.parley.tool;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A tool the model may call. {@link #call} must not block the caller: a tool that has to block runs
 * its work on the executor the registry hands it ({@link ToolContext#blockingExecutor()}, a
 * dedicated dispatcher), e.g. {@code CompletableFuture.supplyAsync(work,
 * context.blockingExecutor())}. A failure completes the stage exceptionally; the registry turns it
 * into a tool result.
 *
 * <p>A plug-in tool ({@link PluginTools}) is a class with a public no-arg constructor, named in its
 * jar's {@code META-INF/services/dev.parley.tool.Tool}; the registry checks its name and schema at
 * start-up and its arguments against the schema before each call.
 */
public interface Tool {
  String name();

  String description();

  /** JSON Schema of the arguments object, as JSON text. */
  String parametersSchema();

  CompletionStage<String> call(String argumentsJson, ToolContext context);

  /** How long a call may take; empty for the registry's {@code parley.tool.call-timeout}. */
  default Optional<Duration> timeout() {
    return Optional.empty();
  }

  /**
   * Where the tool comes from, for the metrics' {@code source} label; a tool Parley ships keeps the
   * default.
   */
  default ToolSource source() {
    return ToolSource.BUILTIN;
  }
}
