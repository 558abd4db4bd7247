package dev.parley.metrics;

import java.util.List;

/**
 * Writes metric families in the Prometheus text exposition format, version 0.0.4: a {@code # HELP}
 * and a {@code # TYPE} line per family, then one line per sample, label values escaped (backslash,
 * double quote, newline) and special values spelled {@code +Inf}, {@code -Inf}, {@code NaN}.
 */
public final class PrometheusText {
  /** The Content-Type of the exposition. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusText() {}

  static String write(List<Family> families) {
    StringBuilder out = new StringBuilder(4096);
    for (Family family : families) {
      out.append("# HELP ").append(family.name()).append(' ');
      escapeHelp(family.help(), out);
      out.append('\n');
      out.append("# TYPE ").append(family.name()).append(' ').append(family.type()).append('\n');
      for (Sample sample : family.samples()) {
        out.append(sample.name());
        if (!sample.labelNames().isEmpty()) {
          out.append('{');
          for (int i = 0; i < sample.labelNames().size(); i++) {
            if (i > 0) {
              out.append(',');
            }
            out.append(sample.labelNames().get(i)).append("=\"");
            escapeLabelValue(sample.labelValues().get(i), out);
            out.append('"');
          }
          out.append('}');
        }
        out.append(' ').append(number(sample.value())).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * A sample value or bucket bound: whole numbers without a fraction, others as Java prints them.
   */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  private static void escapeHelp(String text, StringBuilder out) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  private static void escapeLabelValue(String text, StringBuilder out) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }
}
