package dev.parley.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code --mode recovery}: one conversation is given {@code --turns} turns (each message waits for
 * its own, so each is one turn), it passivates (give the node a short {@code
 * parley.conversation.passivate-idle-after}), the node is stopped and started again on the same
 * journal, and the first message to that conversation is timed: the conversation recovers (its
 * latest snapshot and the events after it) before it can acknowledge. A read of the conversation
 * and a second message follow, for comparison with a conversation already in memory.
 */
final class Recovery {
  /** Conversation key of the long conversation. */
  static final String KEY = "user:api:bench-long";

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** Starts the node again on the same journal and waits until it is ready. */
  @FunctionalInterface
  interface Restart {
    ParleyNode restart() throws Exception;
  }

  record Result(
      int turns,
      double buildSeconds,
      double firstAckMillis,
      int firstAckStatus,
      double readMillis,
      int turnsRead,
      double secondAckMillis,
      double restartSeconds,
      double otherAckMillis,
      int otherAckStatus,
      double warmRecoveryAckMillis,
      int warmRecoveryAckStatus) {}

  private Recovery() {}

  static Result run(BenchOptions o, ParleyNode node, Restart restart) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long start = System.nanoTime();
    for (int i = 0; i < o.turns(); i++) {
      HttpResponse<String> answer = post(http, node, "turn-" + i, 30, KEY);
      if (answer.statusCode() != 200) {
        throw new BenchFailure(
            "message "
                + i
                + " of the long conversation: "
                + answer.statusCode()
                + " "
                + answer.body());
      }
      if (i > 0 && i % 1000 == 0) {
        BenchMain.say(i + " turns");
      }
    }
    double buildSeconds = (System.nanoTime() - start) / 1e9;
    // Passivated, the conversation is not restarted with the node (remember-entities): its first
    // message then waits for its recovery, which is what is measured.
    BenchMain.say(o.turns() + " turns in " + Math.round(buildSeconds) + " s; awaiting passivation");
    Burst.awaitPassivation(node);
    // First in this node, warm from building it: the recovery itself, without a cold JVM.
    long tr = System.nanoTime();
    HttpResponse<String> warm = post(http, node, "before-restart", 0, KEY);
    double warmAck = (System.nanoTime() - tr) / 1e6;
    Burst.awaitPassivation(node);
    BenchMain.say("restarting the node");
    long restartStart = System.nanoTime();
    node.close();
    ParleyNode again = restart.restart();
    double restartSeconds = (System.nanoTime() - restartStart) / 1e9;

    // A new conversation first: what any first message after a start costs (shard start, code
    // not yet compiled), so that the long conversation's figure shows its own recovery.
    long tw = System.nanoTime();
    HttpResponse<String> other = post(http, again, "other", 0, "user:api:bench-other");
    double otherAck = (System.nanoTime() - tw) / 1e6;
    long t0 = System.nanoTime();
    HttpResponse<String> first = post(http, again, "after-restart-1", 0, KEY);
    double firstAck = (System.nanoTime() - t0) / 1e6;
    long t1 = System.nanoTime();
    HttpResponse<String> read =
        http.send(
            HttpRequest.newBuilder(URI.create(again.apiRoot() + "/api/v1/conversations/" + KEY))
                .timeout(REQUEST_TIMEOUT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    double readMillis = (System.nanoTime() - t1) / 1e6;
    int turnsRead =
        read.statusCode() == 200
            ? ReportJson.MAPPER.readTree(read.body()).path("turns").size()
            : -read.statusCode();
    long t2 = System.nanoTime();
    post(http, again, "after-restart-2", 0, KEY);
    double secondAck = (System.nanoTime() - t2) / 1e6;
    return new Result(
        o.turns(),
        buildSeconds,
        firstAck,
        first.statusCode(),
        readMillis,
        turnsRead,
        secondAck,
        restartSeconds,
        otherAck,
        other.statusCode(),
        warmAck,
        warm.statusCode());
  }

  private static HttpResponse<String> post(
      HttpClient http, ParleyNode node, String id, int wait, String key)
      throws IOException, InterruptedException {
    String query = wait > 0 ? "?wait=" + wait : "";
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(node.apiRoot() + "/api/v1/conversations/" + key + "/messages" + query))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"id\":\"" + id + "\",\"text\":\"" + id + "\"}"))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static String table(Result r) {
    return String.format(
        Locale.ROOT,
        "Parley benchmark: recovery of one conversation with %,d turns%n"
            + "  built            %,d turns in %.1f s (%.0f turns/s, one conversation, each waited for)%n"
            + "  recovery         %d after %.1f ms: passivated, then its next message, same node%n"
            + "  restart          node stopped and ready again in %.1f s%n"
            + "  new conversation %d after %.1f ms (the first message after the start)%n"
            + "  first message    %d after %.1f ms (the long conversation recovers first)%n"
            + "  read             %.1f ms, %d turns in the page%n"
            + "  second message   %.1f ms (in memory)%n",
        r.turns(),
        r.turns(),
        r.buildSeconds(),
        r.turns() / r.buildSeconds(),
        r.warmRecoveryAckStatus(),
        r.warmRecoveryAckMillis(),
        r.restartSeconds(),
        r.otherAckStatus(),
        r.otherAckMillis(),
        r.firstAckStatus(),
        r.firstAckMillis(),
        r.readMillis(),
        r.turnsRead(),
        r.secondAckMillis());
  }

  static void writeJson(Result r, Machine machine, String heap, Path file) throws IOException {
    ObjectNode root = ReportJson.MAPPER.createObjectNode();
    root.put("mode", "recovery");
    root.put("machine", machine.toString());
    root.put("heap", heap);
    root.put("turns", r.turns());
    root.put("buildSeconds", r.buildSeconds());
    root.put("restartSeconds", r.restartSeconds());
    root.put("warmRecoveryAckStatus", r.warmRecoveryAckStatus());
    root.put("warmRecoveryAckMillis", r.warmRecoveryAckMillis());
    root.put("newConversationAckStatus", r.otherAckStatus());
    root.put("newConversationAckMillis", r.otherAckMillis());
    root.put("firstAckStatus", r.firstAckStatus());
    root.put("firstAckMillis", r.firstAckMillis());
    root.put("readMillis", r.readMillis());
    root.put("turnsRead", r.turnsRead());
    root.put("secondAckMillis", r.secondAckMillis());
    ReportJson.MAPPER.writeValue(file.toFile(), root);
  }
}
