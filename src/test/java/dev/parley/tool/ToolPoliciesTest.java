package dev.parley.tool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.parley.llm.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class ToolPoliciesTest {
  private static final String POLICIES =
      """
      parley.tool {
        require-confirmation = ["shop__*", send_email]
        policy {
          "github__*" { require-confirmation = true, timeout = 30s }
          "github__search*" { max-result-chars = 8000 }
          github__search_issues { require-confirmation = false }
          "*" { max-result-chars = 500 }
          shop__status { require-confirmation = false }
        }
      }
      """;

  private static ToolPolicies policies() {
    return ToolPolicies.from(ConfigFactory.parseString(POLICIES));
  }

  @Test
  void eachSettingComesFromTheMostSpecificKeyThatSetsIt() {
    ToolPolicies p = policies();
    assertEquals(Optional.of(false), p.requireConfirmation("github__search_issues"));
    assertEquals(Optional.of(Duration.ofSeconds(30)), p.timeout("github__search_issues"));
    assertEquals(OptionalInt.of(8000), p.maxResultChars("github__search_issues"));
    assertEquals(Optional.of(true), p.requireConfirmation("github__create_issue"));
    assertEquals(OptionalInt.of(500), p.maxResultChars("github__create_issue"));
    assertEquals(OptionalInt.of(500), p.maxResultChars("calculator"));
    assertEquals(Optional.empty(), p.timeout("calculator"));
    assertEquals(Optional.empty(), p.requireConfirmation("calculator"));
  }

  @Test
  void aStarMatchesAnyCharactersAndNothingElseIsSpecial() {
    assertTrue(ToolPolicies.regex("github__*").matcher("github__").matches());
    assertTrue(ToolPolicies.regex("*_issue").matcher("create_issue").matches());
    assertTrue(ToolPolicies.regex("a*b*c").matcher("a-x-b-y-c").matches());
    assertFalse(ToolPolicies.regex("github__*").matcher("gitlab__x").matches());
    assertFalse(ToolPolicies.regex("a-b").matcher("aab").matches());
    assertFalse(ToolPolicies.regex("calc").matcher("calculator").matches());
  }

  @Test
  void confirmationTakesListPatternsAndPolicyExemptions() {
    ConfirmationPolicy confirmation = ConfirmationPolicy.from(ConfigFactory.parseString(POLICIES));
    assertTrue(confirmation.needsConfirmation("shop__refund"));
    assertFalse(confirmation.needsConfirmation("shop__status"));
    assertTrue(confirmation.needsConfirmation("send_email"));
    assertTrue(confirmation.needsConfirmation("github__create_issue"));
    assertFalse(confirmation.needsConfirmation("github__search_issues"));
    assertFalse(confirmation.needsConfirmation("calculator"));
  }

  @Test
  void clearHistoryAsksByDefaultUnlessAPolicySaysOtherwise() {
    assertTrue(ConfirmationPolicy.none().needsConfirmation("clear_history"));
    assertTrue(
        ConfirmationPolicy.from(ConfigFactory.parseString(POLICIES))
            .needsConfirmation("clear_history"));
    String exempt =
        "parley.tool.require-confirmation = []\n"
            + "parley.tool.policy.clear_history.require-confirmation = false";
    assertFalse(
        ConfirmationPolicy.from(ConfigFactory.parseString(exempt))
            .needsConfirmation("clear_history"));
    String everything =
        "parley.tool.require-confirmation = []\n"
            + "parley.tool.policy.\"*\".require-confirmation = false";
    assertFalse(
        ConfirmationPolicy.from(ConfigFactory.parseString(everything))
            .needsConfirmation("clear_history"));
  }

  @Test
  void theRegistryCutsAndTimesEachToolByItsPolicy() throws Exception {
    var settings =
        ToolSettings.from(
            ConfigFactory.parseString(
                    """
                    parley.tool.policy {
                      "slow*" { timeout = 100ms }
                      long_one { max-result-chars = 10 }
                    }
                    """)
                .withFallback(ConfigFactory.load()));
    var registry =
        new ToolRegistry(
            List.of(
                tool("slow_one", new CompletableFuture<>()),
                tool("long_one", CompletableFuture.completedFuture("x".repeat(50))),
                tool("other", CompletableFuture.completedFuture("y".repeat(50)))),
            settings);
    assertEquals("error: slow_one timed out after 100 ms", invoke(registry, "slow_one"));
    assertEquals("x".repeat(10) + ToolRegistry.cutNote(10, 50), invoke(registry, "long_one"));
    assertEquals("y".repeat(50), invoke(registry, "other"));
  }

  @Test
  void unusableKeysAndValuesRefuseToStart() {
    for (String bad :
        List.of(
            "parley.tool.policy { \"git hub\" { timeout = 1s } }",
            "parley.tool.policy { x = 1 }",
            "parley.tool.policy { x { timeout = 0s } }",
            "parley.tool.policy { x { max-result-chars = 0 } }",
            "parley.tool.policy { x { require-confirmation = maybe } }")) {
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> ToolPolicies.from(ConfigFactory.parseString(bad)),
              bad);
      assertTrue(e.getMessage().startsWith("parley.tool.policy."), e.getMessage());
    }
  }

  private static Tool tool(String name, CompletionStage<String> answer) {
    return new Tool() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return "test";
      }

      @Override
      public String parametersSchema() {
        return "{\"type\":\"object\"}";
      }

      @Override
      public CompletionStage<String> call(String argumentsJson, ToolContext context) {
        return answer;
      }
    };
  }

  private static String invoke(ToolRegistry registry, String name) throws Exception {
    return registry
        .invoke(new ToolCall("c", name, "{}"), new ToolContext("user:api:1", "k", Runnable::run))
        .toCompletableFuture()
        .get(5, SECONDS);
  }

  @Test
  void channelsLimitWhereAToolIsOffered() {
    ToolPolicies p =
        ToolPolicies.from(
            ConfigFactory.parseString(
                """
                parley.tool.policy {
                  "shop__*" { channels = [telegram, WhatsApp] }
                  shop__admin { channels = [api] }
                  "*" { timeout = 5s }
                  hidden { channels = [] }
                }
                """));
    assertTrue(p.offeredIn("shop__status", "tg"));
    assertTrue(p.offeredIn("shop__status", "wa"));
    assertFalse(p.offeredIn("shop__status", "api"));
    assertTrue(p.offeredIn("shop__admin", "api"));
    assertFalse(p.offeredIn("shop__admin", "tg"));
    assertFalse(p.offeredIn("hidden", "api"));
    // A key that sets no channels (here "*") leaves the tool offered everywhere.
    assertTrue(p.offeredIn("calculator", "api"));
    assertTrue(p.offeredIn("calculator", "tg"));
  }

  @Test
  void anUnknownChannelIsRefusedAtStart() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ToolPolicies.from(
                    ConfigFactory.parseString(
                        "parley.tool.policy { calculator { channels = [sms] } }")));
    assertTrue(e.getMessage().contains("\"sms\" is not a channel"), e.getMessage());
  }

  @Test
  void aToolNotOfferedInAChannelIsNeverAskedAboutThere() {
    var confirmation =
        ConfirmationPolicy.from(
            ConfigFactory.parseString(
                    "parley.tool.policy { pay { require-confirmation = true, channels = [api] } }")
                .withFallback(ConfigFactory.parseString("parley.tool.require-confirmation = []")));
    assertTrue(confirmation.needsConfirmation("pay", "api"));
    assertFalse(confirmation.needsConfirmation("pay", "tg"));
    assertTrue(confirmation.needsConfirmation("clear_history", "tg"));
  }
}
