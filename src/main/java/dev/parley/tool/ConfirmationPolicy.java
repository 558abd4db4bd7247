package dev.parley.tool;

import com.typesafe.config.Config;
import java.util.Set;

/**
 * Which tools may run only after the user said yes ({@code parley.tool.require-confirmation}). The
 * built-in tools are harmless and need none; a deployment that adds a tool with side effects
 * (sending mail, paying, deleting) lists it here.
 */
public record ConfirmationPolicy(Set<String> toolsNeedingConfirmation) {
  public ConfirmationPolicy {
    toolsNeedingConfirmation = Set.copyOf(toolsNeedingConfirmation);
  }

  public static ConfirmationPolicy from(Config root) {
    return new ConfirmationPolicy(
        Set.copyOf(root.getStringList("parley.tool.require-confirmation")));
  }

  public static ConfirmationPolicy none() {
    return new ConfirmationPolicy(Set.of());
  }

  public boolean needsConfirmation(String toolName) {
    return toolsNeedingConfirmation.contains(toolName);
  }
}
