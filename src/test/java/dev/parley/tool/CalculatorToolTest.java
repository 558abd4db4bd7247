package dev.parley.tool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class CalculatorToolTest {
  private static final ToolContext CONTEXT = new ToolContext("user:api:1", "k", Runnable::run);

  private final CalculatorTool tool = new CalculatorTool();

  private String call(String arguments) throws Exception {
    return tool.call(arguments, CONTEXT).toCompletableFuture().get(5, SECONDS);
  }

  @Test
  void answersWithTheFormattedNumber() throws Exception {
    assertEquals("14", call("{\"expression\": \"2 + 3 * 4\"}"));
    assertEquals("0.3", call("{\"expression\": \"0.1 + 0.2\"}"));
  }

  @Test
  void formatsWholeNumbersWithoutFraction() {
    assertEquals("4", CalculatorTool.format(4.0));
    assertEquals("-12", CalculatorTool.format(-12.0));
    assertEquals("0", CalculatorTool.format(-0.0));
    assertEquals("1000000", CalculatorTool.format(1e6));
  }

  @Test
  void formatsFractionsToTwelveSignificantDigits() {
    assertEquals("0.333333333333", CalculatorTool.format(1.0 / 3));
    assertEquals("1.41421356237", CalculatorTool.format(Math.sqrt(2)));
    assertEquals("2.5", CalculatorTool.format(2.5));
    assertEquals("0.001", CalculatorTool.format(0.001));
  }

  @Test
  void formatsVeryLargeAndSmallNumbersScientifically() {
    assertEquals("1E+20", CalculatorTool.format(1e20));
    assertEquals("1.5E-9", CalculatorTool.format(1.5e-9));
  }

  @Test
  void missingExpressionFailsTheStage() {
    ExecutionException e = assertThrows(ExecutionException.class, () -> call("{}"));
    assertEquals("missing required argument \"expression\"", e.getCause().getMessage());
  }

  @Test
  void nonStringExpressionFailsTheStage() {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> call("{\"expression\": 4}"));
    assertEquals("argument \"expression\" must be a string", e.getCause().getMessage());
  }

  @Test
  void schemaRequiresTheExpression() {
    assertTrue(
        ToolArguments.schemaObject(tool.parametersSchema())
            .get("required")
            .toString()
            .contains("expression"));
  }
}
