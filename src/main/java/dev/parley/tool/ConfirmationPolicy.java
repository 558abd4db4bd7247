package dev.parley.tool;

import com.typesafe.config.Config;
import java.util.Set;

/**
 * Which tools may run only after the user said yes: those named in {@code
 * parley.tool.require-confirmation} (names, or patterns with {@code *} for any characters, such as
 * {@code "github__*"}), and those a {@link ToolPolicies policy} sets {@code require-confirmation =
 * true} for. A policy's {@code false} for a more specific key exempts a tool from a list pattern
 * ({@code require-confirmation = ["shop__*"]} with {@code policy.shop__status.require-confirmation
 * = false}). The built-in tools are harmless and need none; a deployment that adds a tool with side
 * effects (sending mail, paying, deleting) lists it.
 */
public record ConfirmationPolicy(Set<String> toolsNeedingConfirmation, ToolPolicies policies) {
  public ConfirmationPolicy {
    toolsNeedingConfirmation = Set.copyOf(toolsNeedingConfirmation);
  }

  public ConfirmationPolicy(Set<String> toolsNeedingConfirmation) {
    this(toolsNeedingConfirmation, ToolPolicies.none());
  }

  public static ConfirmationPolicy from(Config root) {
    return new ConfirmationPolicy(
        Set.copyOf(root.getStringList("parley.tool.require-confirmation")),
        ToolPolicies.from(root));
  }

  public static ConfirmationPolicy none() {
    return new ConfirmationPolicy(Set.of());
  }

  public boolean needsConfirmation(String toolName) {
    return policies
        .requireConfirmation(toolName)
        .orElseGet(
            () ->
                toolsNeedingConfirmation.stream()
                    .anyMatch(name -> ToolPolicies.regex(name).matcher(toolName).matches()));
  }
}
