package dev.parley.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArithmeticParserTest {

  private static double eval(String expression) {
    return ArithmeticParser.evaluate(expression);
  }

  private static String errorOf(String expression) {
    return assertThrows(IllegalArgumentException.class, () -> eval(expression)).getMessage();
  }

  @Test
  void multiplicationBindsTighterThanAddition() {
    assertEquals(14, eval("2 + 3 * 4"));
    assertEquals(20, eval("(2 + 3) * 4"));
    assertEquals(1, eval("7 % 3 * 1"));
  }

  @Test
  void subtractionAndDivisionAreLeftAssociative() {
    assertEquals(-5, eval("2 - 3 - 4"));
    assertEquals(2, eval("8 / 2 / 2"));
  }

  @Test
  void powerIsRightAssociativeAndBindsTighterThanSign() {
    assertEquals(512, eval("2 ^ 3 ^ 2"));
    assertEquals(-4, eval("-2 ^ 2"));
    assertEquals(4, eval("(-2) ^ 2"));
    assertEquals(0.5, eval("2 ^ -1"));
    assertEquals(48, eval("3 * 2 ^ 4"));
  }

  @Test
  void unarySignsNest() {
    assertEquals(3, eval("--3"));
    assertEquals(-3, eval("+-+3"));
    assertEquals(-1, eval("2 * -0.5"));
  }

  @Test
  void readsDecimalAndScientificNumbers() {
    assertEquals(1000, eval("1e3"));
    assertEquals(0.025, eval("2.5E-2"));
    assertEquals(0.5, eval(".5"));
    assertEquals(150, eval("1.5e+2"));
  }

  @Test
  void remainderKeepsTheSignOfTheDividend() {
    assertEquals(1, eval("10 % 3"));
    assertEquals(-1, eval("-10 % 3"));
  }

  @Test
  void appliesFunctions() {
    assertEquals(3, eval("sqrt(9)"));
    assertEquals(2.5, eval("abs(-2.5)"));
    assertEquals(3, eval("round(2.5)"));
    assertEquals(-2, eval("round(-2.5)"));
    assertEquals(2, eval("floor(2.9)"));
    assertEquals(3, eval("ceil(2.1)"));
    assertEquals(-1, eval("min(3, -1)"));
    assertEquals(3, eval("max(3, -1)"));
    assertEquals(5, eval("max(1 + 1, sqrt(25))"));
  }

  @Test
  void namesAreCaseInsensitive() {
    assertEquals(Math.PI, eval("PI"));
    assertEquals(4, eval("Sqrt(16)"));
  }

  @Test
  void knowsPiAndE() {
    assertEquals(Math.PI, eval("pi"));
    assertEquals(Math.E, eval("e"));
    assertEquals(2 * Math.PI, eval("2 * pi"));
  }

  @Test
  void emptyExpressionIsAnError() {
    assertEquals("empty expression", errorOf(""));
    assertEquals("empty expression", errorOf("   "));
  }

  @Test
  void divisionAndRemainderByZeroAreErrors() {
    assertEquals("division by zero at position 3", errorOf("1 / 0"));
    assertEquals("division by zero at position 3", errorOf("5 % (2 - 2)"));
  }

  @Test
  void unclosedParenthesisIsAnErrorAtTheOpeningOne() {
    assertEquals("unbalanced parentheses: '(' is never closed at position 3", errorOf("2*(1+2"));
    assertTrue(errorOf("max(1, 2").startsWith("unbalanced parentheses"));
  }

  @Test
  void unmatchedClosingParenthesisIsAnError() {
    assertEquals("unbalanced parentheses: ')' has no matching '(' at position 4", errorOf("1+2)"));
    assertTrue(errorOf("()").contains("found ')' at position 2"));
  }

  @Test
  void unknownIdentifierIsNamed() {
    String message = errorOf("2 * foo");
    assertTrue(message.startsWith("unknown identifier \"foo\""), message);
    assertTrue(message.endsWith("at position 5"), message);
  }

  @Test
  void anUnexpectedEmojiIsQuotedWholeAndCountedAsOneCharacter() {
    // Half an emoji (a lone surrogate) in the message would make the journal refuse the turn.
    assertEquals("unexpected \"\uD83D\uDE00\" at position 3", errorOf("1+\uD83D\uDE00"));
    assertEquals("unexpected \"\uD83D\uDE00\" at position 5", errorOf("1+2 \uD83D\uDE00"));
  }

  @Test
  void trailingGarbageIsAnError() {
    assertEquals("unexpected \"x\" at position 3", errorOf("2 x"));
    assertEquals("unexpected \"4\" at position 3", errorOf("3 4"));
    assertEquals("unexpected \"$\" at position 1", errorOf("$"));
  }

  @Test
  void missingOperandIsAnError() {
    assertEquals(
        "expected a number, name or '(' but the expression ends at position 3", errorOf("1+"));
    assertEquals("unexpected \"*\" at position 3", errorOf("1+*2"));
  }

  @Test
  void malformedNumbersAreErrors() {
    assertTrue(errorOf("1.2.3").startsWith("malformed number \"1.2.3\""));
    assertTrue(errorOf("2e").startsWith("malformed number \"2e\""));
    assertTrue(errorOf(".").startsWith("malformed number"));
  }

  @Test
  void functionArgumentsAreChecked() {
    assertTrue(errorOf("sqrt 4").startsWith("sqrt needs its arguments in parentheses"));
    assertTrue(errorOf("max(1)").startsWith("max takes 2 arguments"));
    assertTrue(errorOf("abs(1, 2)").startsWith("abs takes 1 argument, got more"));
    assertTrue(errorOf("sqrt(-1)").startsWith("sqrt of a negative number"));
  }

  @Test
  void resultsBeyondDoubleRangeAreErrors() {
    assertTrue(errorOf("10 ^ 400").startsWith("number too large"));
    assertTrue(errorOf("1e999").startsWith("number too large"));
    assertTrue(errorOf("(-8) ^ 0.5").startsWith("power of a negative number"));
  }

  @Test
  void acceptsNestingUpToTheLimit() {
    String nested =
        "(".repeat(ArithmeticParser.MAX_DEPTH) + "1" + ")".repeat(ArithmeticParser.MAX_DEPTH);
    assertEquals(1, eval(nested));
  }

  @Test
  void refusesNestingBeyondTheLimit() {
    int depth = ArithmeticParser.MAX_DEPTH + 1;
    String nested = "(".repeat(depth) + "1" + ")".repeat(depth);
    assertEquals("nesting deeper than 100 levels at position 101", errorOf(nested));
  }

  @Test
  void deepSignAndPowerChainsHitTheDepthLimitNotTheStack() {
    assertTrue(errorOf("-".repeat(500) + "1").startsWith("nesting deeper than 100"));
    assertTrue(errorOf("1" + "^1".repeat(400)).startsWith("nesting deeper than 100"));
    assertTrue(errorOf("sqrt(".repeat(150) + "1" + ")".repeat(150)).startsWith("nesting deeper"));
  }

  @Test
  void longFlatExpressionsNeedNoDepth() {
    String sum = "1" + "+1".repeat(499);
    assertEquals(999, sum.length());
    assertEquals(500, eval(sum));
  }

  @Test
  void refusesExpressionsLongerThanTheLimit() {
    String sum = "1" + "+1".repeat(500);
    assertEquals("expression is 1001 characters long; at most 1000 are allowed", errorOf(sum));
  }
}
