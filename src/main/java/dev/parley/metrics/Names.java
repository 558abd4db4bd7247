package dev.parley.metrics;

import java.util.List;
import java.util.regex.Pattern;

/** The naming rules of the Prometheus data model, checked when a metric is registered. */
final class Names {
  private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private Names() {}

  static String metric(String name) {
    if (name == null || !METRIC.matcher(name).matches()) {
      throw new IllegalArgumentException("not a valid metric name: \"" + name + "\"");
    }
    return name;
  }

  static List<String> labels(String... names) {
    for (String label : names) {
      // Names starting with __ are reserved for Prometheus itself.
      if (label == null || !LABEL.matcher(label).matches() || label.startsWith("__")) {
        throw new IllegalArgumentException("not a valid label name: \"" + label + "\"");
      }
    }
    if (List.of(names).stream().distinct().count() != names.length) {
      throw new IllegalArgumentException("label names repeat: " + List.of(names));
    }
    return List.of(names);
  }

  /** The label values of one series, checked against the metric's label names. */
  static List<String> values(String metric, List<String> labelNames, String... values) {
    if (values.length != labelNames.size()) {
      throw new IllegalArgumentException(
          metric + " takes labels " + labelNames + ", got " + values.length + " values");
    }
    for (String value : values) {
      if (value == null) {
        throw new IllegalArgumentException(metric + ": a label value is null");
      }
    }
    return List.of(values);
  }
}
