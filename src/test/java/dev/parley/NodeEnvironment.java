package dev.parley;

import java.util.List;
import java.util.Map;

/**
 * The environment of a node a test or the benchmark starts as its own process: none of the caller's
 * own settings may reach it. That is Parley's variables, and the JVM's option variables (they
 * change its flags and add a "Picked up ..." line to its stderr).
 */
public final class NodeEnvironment {
  private static final List<String> OWN_VARIABLE_PREFIXES =
      List.of(
          "PARLEY_",
          "LLM_",
          "TELEGRAM_",
          "WHATSAPP_",
          "JAVA_OPTS",
          "JAVA_TOOL_OPTIONS",
          "JDK_JAVA_OPTIONS",
          "_JAVA_OPTIONS");

  private NodeEnvironment() {}

  /** Removes the caller's own settings from {@code environment} (a ProcessBuilder's). */
  public static void clean(Map<String, String> environment) {
    environment
        .keySet()
        .removeIf(variable -> OWN_VARIABLE_PREFIXES.stream().anyMatch(variable::startsWith));
  }
}
