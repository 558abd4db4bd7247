package dev.parley.http;

import dev.parley.TestNode;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node's {@code parley_webhooks_total} for one channel, by outcome, from its /metrics. */
final class WebhookCounts {
  private WebhookCounts() {}

  static Map<String, Long> of(TestNode node, String channel) {
    Matcher m =
        Pattern.compile(
                "(?m)^parley_webhooks_total\\{channel=\""
                    + Pattern.quote(channel)
                    + "\",outcome=\"([a-z-]+)\"\\} ([0-9.eE+]+)$")
            .matcher(node.getManagement("/metrics").raw());
    Map<String, Long> counts = new HashMap<>();
    while (m.find()) {
      counts.put(m.group(1), (long) Double.parseDouble(m.group(2)));
    }
    return counts;
  }
}
