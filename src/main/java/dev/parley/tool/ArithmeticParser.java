package dev.parley.tool;

import java.util.List;
import java.util.Locale;

/**
 * A recursive-descent evaluator for arithmetic: numbers (1.5, 1e3), + - * / % ^, unary signs,
 * parentheses, the constants pi and e and the functions sqrt, abs, round, floor, ceil, min, max. It
 * evaluates while it parses and never runs code. Input is bounded in length and nesting, so the
 * recursion can neither overflow the stack nor take long. Errors are {@link
 * IllegalArgumentException}s whose message names the problem and its 1-based position.
 *
 * <p>Grammar, loosest first: {@code sum := product (('+' | '-') product)*}; {@code product :=
 * signed (('*' | '/' | '%') signed)*}; {@code signed := ('+' | '-') signed | power}; {@code power
 * := primary ('^' signed)?}. So {@code ^} binds tighter than a sign ({@code -2^2 = -4}) and is
 * right-associative ({@code 2^3^2 = 512}), while an exponent may carry its own sign ({@code 2^-1}).
 */
final class ArithmeticParser {
  /** Longest expression accepted, in characters; far beyond any sum a chat needs. */
  static final int MAX_LENGTH = 1000;

  /** Deepest nesting of parentheses, signs and exponents accepted. */
  static final int MAX_DEPTH = 100;

  private static final List<String> NAMES =
      List.of("pi", "e", "sqrt", "abs", "round", "floor", "ceil", "min", "max");

  private final String text;
  private int pos;
  private int depth;

  private ArithmeticParser(String text) {
    this.text = text;
  }

  /** Evaluates {@code expression}; throws {@link IllegalArgumentException} when it is not valid. */
  static double evaluate(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("empty expression");
    }
    if (expression.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "expression is "
              + expression.length()
              + " characters long; at most "
              + MAX_LENGTH
              + " are allowed");
    }
    ArithmeticParser parser = new ArithmeticParser(expression);
    double value = parser.sum();
    parser.skipSpaces();
    if (parser.pos < expression.length()) {
      throw parser.unexpected();
    }
    return value;
  }

  private double sum() {
    double value = product();
    while (true) {
      int at = skipSpaces();
      if (take('+')) {
        value = finite(value + product(), at);
      } else if (take('-')) {
        value = finite(value - product(), at);
      } else {
        return value;
      }
    }
  }

  private double product() {
    double value = signed();
    while (true) {
      int at = skipSpaces();
      if (take('*')) {
        value = finite(value * signed(), at);
      } else if (take('/')) {
        value = finite(value / nonZero(signed(), at), at);
      } else if (take('%')) {
        value = finite(value % nonZero(signed(), at), at);
      } else {
        return value;
      }
    }
  }

  private double signed() {
    int at = skipSpaces();
    if (take('-')) {
      enter(at);
      double value = -signed();
      depth--;
      return value;
    }
    if (take('+')) {
      enter(at);
      double value = signed();
      depth--;
      return value;
    }
    return power();
  }

  private double power() {
    double base = primary();
    int at = skipSpaces();
    if (!take('^')) {
      return base;
    }
    enter(at);
    double exponent = signed();
    depth--;
    double value = Math.pow(base, exponent);
    if (Double.isNaN(value)) {
      throw error("power of a negative number to a fractional exponent", at);
    }
    return finite(value, at);
  }

  private double primary() {
    int at = skipSpaces();
    if (pos >= text.length()) {
      throw error("expected a number, name or '(' but the expression ends", at);
    }
    char c = text.charAt(pos);
    if (c == '(') {
      pos++;
      enter(at);
      double value = sum();
      closeParenthesis(at);
      depth--;
      return value;
    }
    if (c == ')') {
      throw error("expected a number, name or '(' but found ')'", at);
    }
    if (Character.isDigit(c) || c == '.') {
      return number();
    }
    if (Character.isLetter(c)) {
      return name();
    }
    throw unexpected();
  }

  private double number() {
    int start = pos;
    while (pos < text.length()
        && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
      pos++;
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      int digits = pos;
      while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
        pos++;
      }
      if (pos == digits) {
        throw error("malformed number \"" + text.substring(start, pos) + "\"", start);
      }
    }
    String literal = text.substring(start, pos);
    try {
      return finite(Double.parseDouble(literal), start);
    } catch (NumberFormatException e) {
      throw error("malformed number \"" + literal + "\"", start);
    }
  }

  private double name() {
    int start = pos;
    while (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
      pos++;
    }
    String name = text.substring(start, pos).toLowerCase(Locale.ROOT);
    if (!NAMES.contains(name)) {
      throw error(
          "unknown identifier \""
              + text.substring(start, pos)
              + "\"; known: "
              + String.join(", ", NAMES),
          start);
    }
    return switch (name) {
      case "pi" -> Math.PI;
      case "e" -> Math.E;
      default -> function(name, start);
    };
  }

  private double function(String name, int start) {
    int open = skipSpaces();
    if (!take('(')) {
      throw error(name + " needs its arguments in parentheses, e.g. " + name + "(2)", start);
    }
    enter(open);
    boolean pair = name.equals("min") || name.equals("max");
    double value = sum();
    if (pair) {
      skipSpaces();
      if (!take(',')) {
        throw error(name + " takes 2 arguments, separated by ','", start);
      }
      double second = sum();
      value = name.equals("min") ? Math.min(value, second) : Math.max(value, second);
    } else {
      value = apply(name, value, start);
    }
    if (skipSpaces() < text.length() && text.charAt(pos) == ',') {
      throw error(name + " takes " + (pair ? "2 arguments" : "1 argument") + ", got more", pos);
    }
    closeParenthesis(open);
    depth--;
    return value;
  }

  /** Round is half up like Math.round; beyond 2^52 every double is already whole. */
  private double apply(String name, double x, int at) {
    return switch (name) {
      case "sqrt" -> {
        if (x < 0) {
          throw error("sqrt of a negative number", at);
        }
        yield Math.sqrt(x);
      }
      case "abs" -> Math.abs(x);
      case "round" -> Math.abs(x) < 0x1p52 ? (double) Math.round(x) : x;
      case "floor" -> Math.floor(x);
      case "ceil" -> Math.ceil(x);
      default -> throw new IllegalStateException("no function " + name);
    };
  }

  private void closeParenthesis(int open) {
    skipSpaces();
    if (!take(')')) {
      if (pos >= text.length()) {
        throw error("unbalanced parentheses: '(' is never closed", open);
      }
      throw unexpected();
    }
  }

  /** One level deeper; refused past the limit, which keeps the recursion off the stack's end. */
  private void enter(int at) {
    if (++depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH + " levels", at);
    }
  }

  private double nonZero(double divisor, int at) {
    if (divisor == 0) {
      throw error("division by zero", at);
    }
    return divisor;
  }

  private double finite(double value, int at) {
    if (Double.isInfinite(value) || Double.isNaN(value)) {
      throw error("number too large", at);
    }
    return value;
  }

  private IllegalArgumentException unexpected() {
    if (text.charAt(pos) == ')') {
      return error("unbalanced parentheses: ')' has no matching '('", pos);
    }
    // The whole character, never half of a surrogate pair: the message ends up in the turn's
    // record, and the journal cannot store a lone surrogate.
    return error("unexpected \"" + Character.toString(text.codePointAt(pos)) + "\"", pos);
  }

  /** Positions count characters as the user sees them (code points), from 1. */
  private IllegalArgumentException error(String problem, int at) {
    return new IllegalArgumentException(
        problem + " at position " + (text.codePointCount(0, Math.min(at, text.length())) + 1));
  }

  /** Skips whitespace and returns the position of the next token. */
  private int skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
    return pos;
  }

  private boolean take(char c) {
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }
}
