package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One node of three is killed with {@code kill -9} while turns run on it (the model holds every
 * call): the split-brain resolver downs it, its shards move, sharding restarts its remembered
 * conversations on the other two, and they finish its work with new model calls, without any new
 * message or read sent to them. Every acknowledged message ends in exactly one completed turn, in
 * order. The time from the kill until the killed node's conversations are answered again is
 * printed.
 */
@Tag(TestTags.MULTI_PROCESS)
@ExtendWith(LogCapturingExtension.class)
class ClusterKillNineTest {
  private static final int CONVERSATIONS = 12;
  private static final int MESSAGES = 2;
  private static final Duration DELIVER_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration HELD_TIMEOUT = Duration.ofSeconds(30);

  /** stable-after (5 s, twice) + failure detection + hand-over, with room for two loaded cores. */
  private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(120);

  private static final int SHARDS =
      ConfigFactory.load().getInt("pekko.cluster.sharding.number-of-shards");

  @RegisterExtension static final TestCluster cluster = TestCluster.forTests("killnine");

  @Test
  void killedNodesConversationsContinueOnTheOthersWithoutANewMessage() throws Exception {
    try {
      cluster.startAll();
      ModelServerDouble model = cluster.model();
      SentLog log = new SentLog();
      AtomicInteger retries = new AtomicInteger();
      // The first message of each conversation starts a turn that the model holds; the second
      // waits in the inbox behind it.
      for (int m = 0; m < MESSAGES; m++) {
        for (int c = 0; c < CONVERSATIONS; c++) {
          String key = "user:api:kill-" + c;
          var sent = new SentLog.Sent(key, key + "-m" + m, "message " + m + " of " + key + ".");
          JsonNode answer = cluster.deliver(sent, 0, DELIVER_TIMEOUT, retries);
          assertEquals("accepted", answer.path("status").asText(), sent.id() + ": " + answer);
          log.acknowledged(sent);
        }
      }
      awaitHeld(model, CONVERSATIONS);

      int victim = nodeHostingMost(log.keys());
      List<String> victims = conversationsOn(victim, log.keys());
      assertFalse(victims.isEmpty(), "the victim runs none of the conversations");
      Set<String> victimTexts = new HashSet<>();
      victims.forEach(key -> log.of(key).forEach(sent -> victimTexts.add(sent.text())));

      long killed = System.nanoTime();
      cluster.kill(victim);
      // From now on the model answers at once, and the calls held so far are answered too: the
      // survivors' turns finish, the victim's answers go nowhere. Only new calls count below.
      model.answer();
      model.answerHeld();
      int mark = model.answeredCount();

      awaitAnsweredSince(model, mark, victimTexts, victims);
      long recovered = System.nanoTime();
      Map<String, JsonNode> conversations = cluster.awaitSettled(log, Duration.ofSeconds(30));
      long settled = System.nanoTime();
      log.assertExactlyOnceInOrder(conversations);
      System.out.printf(
          "ClusterKillNineTest: kill -9 of %s with %d of %d conversations on it; all their"
              + " messages answered again %d ms after the kill (model asked anew), every"
              + " conversation settled after %d ms%n",
          cluster.node(victim).name(),
          victims.size(),
          CONVERSATIONS,
          TimeUnit.NANOSECONDS.toMillis(recovered - killed),
          TimeUnit.NANOSECONDS.toMillis(settled - killed));
    } catch (Throwable failure) {
      System.out.println(cluster.logs());
      throw failure;
    }
  }

  private static void awaitHeld(ModelServerDouble model, int count) throws Exception {
    long deadline = System.nanoTime() + HELD_TIMEOUT.toNanos();
    while (model.heldCount() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "turns started: " + model.heldCount() + " of " + count + " after " + HELD_TIMEOUT);
      }
      cluster.randomServingNode().pause();
    }
  }

  /** Waits, without a request to any conversation, until the model answered all {@code texts}. */
  private static void awaitAnsweredSince(
      ModelServerDouble model, int mark, Set<String> texts, List<String> victims) throws Exception {
    long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
    while (!model.answeredSince(mark).containsAll(texts)) {
      if (System.nanoTime() > deadline) {
        Set<String> missing = new HashSet<>(texts);
        missing.removeAll(model.answeredSince(mark));
        throw new AssertionError(
            "the killed node's conversations "
                + victims
                + " were not continued within "
                + RECOVERY_TIMEOUT
                + "; unanswered: "
                + missing);
      }
      cluster.randomServingNode().pause();
    }
  }

  /** The node whose shard region hosts the most of {@code keys}. */
  private static int nodeHostingMost(Set<String> keys) throws Exception {
    int best = 0;
    int most = -1;
    for (int i = 0; i < TestCluster.SIZE; i++) {
      int hosted = conversationsOn(i, keys).size();
      if (hosted > most) {
        best = i;
        most = hosted;
      }
    }
    return best;
  }

  /**
   * Which of {@code keys} live on node {@code i}: their shard (as sharding computes it) is there.
   */
  private static List<String> conversationsOn(int i, Set<String> keys) throws Exception {
    Set<String> shards = cluster.node(i).hostedShards(cluster.http());
    List<String> hosted = new ArrayList<>();
    for (String key : new TreeSet<>(keys)) {
      // Pekko's HashCodeMessageExtractor, the default of typed sharding.
      if (shards.contains(Integer.toString(Math.abs(key.hashCode() % SHARDS)))) {
        hosted.add(key);
      }
    }
    return hosted;
  }
}
