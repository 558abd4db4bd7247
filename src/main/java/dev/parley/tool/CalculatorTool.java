package dev.parley.tool;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Evaluates an arithmetic expression for the model, which is unreliable at exact arithmetic. The
 * expression goes through {@link ArithmeticParser}, never a script engine, so the model cannot run
 * code through it; its size and nesting are bounded, so one call stays cheap.
 */
public final class CalculatorTool implements Tool {
  static final String NAME = "calculator";

  // Twelve significant digits hide the binary noise of doubles (0.1 + 0.2) while keeping far
  // more precision than a chat answer needs.
  private static final MathContext DIGITS = new MathContext(12);

  private static final String SCHEMA =
      """
      {"type": "object",
       "properties": {
         "expression": {
           "type": "string",
           "description": "Arithmetic like (2 + 3) * 4 ^ 2 / 7 or max(1e3, sqrt(2)) % 7. \
      Operators + - * / % ^ (power) and parentheses; constants pi, e; functions sqrt, abs, \
      round, floor, ceil, min(a, b), max(a, b)."}
       },
       "required": ["expression"],
       "additionalProperties": false}""";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Evaluates an arithmetic expression exactly enough for everyday use and returns the"
        + " number.";
  }

  @Override
  public String parametersSchema() {
    return SCHEMA;
  }

  /**
   * Answers on the caller's thread: the parser is bounded to {@value ArithmeticParser#MAX_LENGTH}
   * characters, so it needs no blocking executor.
   */
  @Override
  public CompletionStage<String> call(String argumentsJson, ToolContext context) {
    try {
      String expression = ToolArguments.parse(argumentsJson).requiredString("expression");
      return CompletableFuture.completedFuture(format(ArithmeticParser.evaluate(expression)));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Whole numbers without a fraction ({@code 4}, not {@code 4.0}); otherwise at most twelve
   * significant digits without trailing zeros, in plain notation unless very large or small.
   */
  static String format(double value) {
    if (value == 0) {
      return "0"; // also for -0.0, which would only confuse
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    BigDecimal rounded = new BigDecimal(value).round(DIGITS).stripTrailingZeros();
    double magnitude = Math.abs(value);
    return magnitude >= 1e-6 && magnitude < 1e15 ? rounded.toPlainString() : rounded.toString();
  }
}
