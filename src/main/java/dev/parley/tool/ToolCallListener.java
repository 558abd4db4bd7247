package dev.parley.tool;

/**
 * Told how each {@link ToolRegistry#invoke} ended, for metrics. {@code tool} is a registered tool's
 * name, or {@code unknown} when the model named none (a model-chosen name must not become a label);
 * {@code outcome} is {@code ok}, {@code error}, {@code timeout}, {@code unknown-tool} or {@code
 * bad-arguments}. Called on whatever thread completed the call: it must be quick and not block.
 */
@FunctionalInterface
public interface ToolCallListener {
  ToolCallListener NONE = (tool, outcome) -> {};

  void called(String tool, String outcome);
}
