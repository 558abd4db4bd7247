package dev.parley.tool;

import java.time.Duration;
import java.util.Optional;

/**
 * Told how each {@link ToolRegistry#invoke} ended, for metrics. {@code tool} is a registered tool's
 * name, or {@code unknown} when the model named none (a model-chosen name must not become a label);
 * {@code source} is the tool's {@link ToolSource#label()}, or {@code unknown} with it (or for a
 * tool that names none); {@code outcome} is {@code ok}, {@code error}, {@code timeout}, {@code
 * unknown-tool} or {@code bad-arguments}. {@code took} is the time from just before the tool was
 * called to its result or timeout, on a monotonic clock; it is empty for a call refused before the
 * tool ran (unknown tool, bad arguments). Called on whatever thread completed the call: it must be
 * quick and not block.
 */
@FunctionalInterface
public interface ToolCallListener {
  ToolCallListener NONE = (tool, source, outcome, took) -> {};

  /** The {@code tool} and {@code source} of a call to a tool the registry does not have. */
  String UNKNOWN = "unknown";

  void called(String tool, String source, String outcome, Optional<Duration> took);
}
