package dev.parley.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One scrape of the node's {@code /metrics} (Prometheus text format), enough to read a series by
 * name, summed over its labels or narrowed to one label value. A series that is absent reads 0.
 */
final class NodeMetrics {
  private record Series(String name, String labels, double value) {}

  private final List<Series> series;

  private NodeMetrics(List<Series> series) {
    this.series = series;
  }

  static NodeMetrics parse(String text) {
    List<Series> all = new ArrayList<>();
    for (String line : text.split("\n")) {
      line = line.trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int close = brace < 0 ? -1 : line.lastIndexOf('}');
      int nameEnd = brace >= 0 ? brace : line.indexOf(' ');
      if (nameEnd < 0) {
        continue;
      }
      String labels = brace >= 0 && close > brace ? line.substring(brace + 1, close) : "";
      String[] rest = line.substring(close >= 0 ? close + 1 : nameEnd).trim().split("\\s+");
      try {
        all.add(new Series(line.substring(0, nameEnd), labels, Double.parseDouble(rest[0])));
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException unreadable) {
        // Not a sample line this reader understands: skipped.
      }
    }
    return new NodeMetrics(all);
  }

  /** Every series named {@code name}, summed. */
  double value(String name) {
    return series.stream().filter(s -> s.name().equals(name)).mapToDouble(Series::value).sum();
  }

  /** The series named {@code name} whose label {@code label} is {@code labelValue}, summed. */
  double value(String name, String label, String labelValue) {
    String pair = label + "=\"" + labelValue + "\"";
    return series.stream()
        .filter(s -> s.name().equals(name) && s.labels().contains(pair))
        .mapToDouble(Series::value)
        .sum();
  }
}
