package dev.parley.metrics;

/** Reads one sample from an exposition: the line {@code <series> <value>}, or NaN if absent. */
final class Samples {
  private Samples() {}

  /** {@code series} as written: the name, and its labels in braces if it has any. */
  static double value(String text, String series) {
    return text.lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
        .findFirst()
        .orElse(Double.NaN);
  }
}
