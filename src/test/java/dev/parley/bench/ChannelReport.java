package dev.parley.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which channel a run used, for both reports: its name, the request that carried each message, and
 * for a channel's webhook the double the replies went to, what it was asked (by kind, the whole
 * run) and the node's JVM flags that lifted the channel's pacing.
 */
record ChannelReport(
    String name,
    String request,
    String doubleName,
    Map<String, Long> doubleCalls,
    List<String> pacingFlags) {

  /** Label and value of each line the table shows. */
  List<String[]> rows() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"channel", name + ": " + request});
    if (doubleName != null) {
      rows.add(
          new String[] {"channel double", doubleName + ", calls in the whole run " + doubleCalls});
      rows.add(
          new String[] {"pacing", "lifted for the measurement: " + String.join(" ", pacingFlags)});
    }
    return rows;
  }

  void putJson(ObjectNode parent) {
    ObjectNode channel = parent.putObject("channel");
    channel.put("name", name);
    channel.put("request", request);
    if (doubleName != null) {
      channel.put("double", doubleName);
      ObjectNode calls = channel.putObject("doubleCalls");
      doubleCalls.forEach(calls::put);
      pacingFlags.forEach(channel.putArray("pacingLifted")::add);
    }
  }
}
