package dev.parley.tool;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * The conversation's memory as three built-in tools: {@code remember} stores a short fact, {@code
 * recall} lists the facts (all, or those containing a query), {@code forget} removes one. Facts are
 * compared trimmed and ignoring case, so one is never stored twice. They change the turn's {@link
 * TurnChanges}; the conversation persists the memory with the turn and shows it to the model in the
 * system prompt of later turns. Each call answers at once: nothing here blocks.
 */
public final class MemoryTools {
  static final String REMEMBER = "remember";
  static final String RECALL = "recall";
  static final String FORGET = "forget";

  private MemoryTools() {}

  /** {@code remember}, {@code recall} and {@code forget}. */
  public static List<Tool> all() {
    return List.of(
        new MemoryTool(
            REMEMBER,
            "Remembers a short fact for the rest of this conversation (it is shown to you in"
                + " every later turn). Use it for what the user wants kept: names, preferences,"
                + " decisions.",
            required("fact", "The fact, in one short sentence."),
            (arguments, changes) -> changes.remember(arguments.requiredString("fact"))),
        new MemoryTool(
            RECALL,
            "Lists the facts remembered in this conversation, numbered; with a query, only those"
                + " containing it (ignoring case).",
            """
            {"type": "object",
             "properties": {
               "query": {"type": "string", "description": "Text the facts must contain."}},
             "additionalProperties": false}""",
            (arguments, changes) -> changes.recall(arguments.optionalString("query", null))),
        new MemoryTool(
            FORGET,
            "Forgets a remembered fact; give it as remembered (case and surrounding spaces do not"
                + " matter).",
            required("fact", "The fact to forget, as remembered."),
            (arguments, changes) -> changes.forget(arguments.requiredString("fact"))));
  }

  private static String required(String name, String description) {
    return """
        {"type": "object",
         "properties": {"%s": {"type": "string", "minLength": 1, "description": "%s"}},
         "required": ["%s"],
         "additionalProperties": false}"""
        .formatted(name, description, name);
  }

  private record MemoryTool(
      String name,
      String description,
      String parametersSchema,
      BiFunction<ToolArguments, TurnChanges, String> action)
      implements Tool {
    @Override
    public CompletionStage<String> call(String argumentsJson, ToolContext context) {
      try {
        return CompletableFuture.completedFuture(
            action.apply(ToolArguments.parse(argumentsJson), context.changes()));
      } catch (IllegalArgumentException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
  }
}
