package dev.parley.metrics;

import java.util.List;

/**
 * One line of the exposition: a sample name (the family's name, or it plus {@code _bucket}, {@code
 * _sum}, {@code _count}), its labels as parallel name and value lists, and its value.
 */
record Sample(String name, List<String> labelNames, List<String> labelValues, double value) {
  Sample {
    labelNames = List.copyOf(labelNames);
    labelValues = List.copyOf(labelValues);
    if (labelNames.size() != labelValues.size()) {
      throw new IllegalArgumentException("label names and values differ in number");
    }
  }
}
