package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.parley.channel.telegram.TelegramBotApiDouble;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Telegram webhook can arrive at any node: three {@code scripts/run} nodes on one PostgreSQL with
 * Telegram configured against a Bot API double in the test JVM. Updates of several private chats,
 * each chat's posted one after another as Telegram does (the next only after a 200), each to a
 * random node, retried with the same body on 503 or a connection error. Sharding routes each to the
 * node running its conversation, and every update gets exactly one sendMessage, per chat in update
 * order, with the echo of its text; an update posted again to another node gets no second reply.
 */
@Tag(TestTags.MULTI_PROCESS)
@ExtendWith(LogCapturingExtension.class)
class ClusterTelegramWebhookTest {
  private static final String TOKEN = "123456:cluster-token";
  private static final String SECRET = "cluster-webhook-secret";
  private static final String API_TOKEN = "cluster-api-token";
  private static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

  private static final int CHATS = 6;
  private static final int UPDATES = 5;

  /** The update of each chat that is posted twice, to two different nodes. */
  private static final int DUPLICATED = 2;

  private static final Duration POST_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration DELIVER_TIMEOUT = Duration.ofSeconds(40);
  private static final Duration REPLIES_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int SHARDS =
      ConfigFactory.load().getInt("pekko.cluster.sharding.number-of-shards");
  private static final AtomicLong UPDATE_IDS = new AtomicLong(700_000_000L);

  @RegisterExtension static final TestCluster cluster = TestCluster.answering("clustertelegram");

  private static TelegramBotApiDouble telegram;

  @BeforeAll
  static void setUp() throws Exception {
    telegram = TelegramBotApiDouble.start(cluster.system(), TOKEN);
    cluster.addEnvironment(
        Map.of(
            "TELEGRAM_BOT_TOKEN", TOKEN,
            "TELEGRAM_WEBHOOK_SECRET", SECRET,
            "TELEGRAM_API_URL", telegram.url(),
            "PARLEY_API_TOKEN", API_TOKEN,
            // With an API token the listener would bind to every interface; the test needs
            // loopback only.
            "PARLEY_HTTP_INTERFACE", "127.0.0.1"));
  }

  @AfterAll
  static void tearDown() throws Exception {
    // The cluster closes after this, as an extension.
    if (telegram != null) {
      telegram.close();
    }
  }

  @Test
  void updatesToRandomNodesAreAnsweredOnceInOrderPerChat() throws Exception {
    ExecutorService chats = Executors.newFixedThreadPool(CHATS);
    try {
      long start = System.nanoTime();
      cluster.startAll();
      long formed = System.nanoTime();
      SentLog log = new SentLog();
      AtomicInteger retries = new AtomicInteger();
      Map<String, List<String>> receivedBy = new ConcurrentHashMap<>();
      List<CompletableFuture<Void>> senders = new ArrayList<>();
      for (int c = 0; c < CHATS; c++) {
        long chatId = 880_000_000L + c;
        senders.add(
            CompletableFuture.runAsync(() -> sendChat(chatId, log, retries, receivedBy), chats));
      }
      CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new))
          .get(CHATS * UPDATES * DELIVER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      long posted = System.nanoTime();

      awaitReplies(log);
      long replied = System.nanoTime();
      Map<String, JsonNode> conversations = cluster.awaitSettled(log, Duration.ofSeconds(30));
      log.assertExactlyOnceInOrder(conversations);
      for (String key : log.keys()) {
        for (JsonNode turn : conversations.get(key).path("turns")) {
          assertEquals(
              "delivered", turn.path("reply").path("delivery").asText(), key + ": " + turn);
        }
        // Every reply is recorded as delivered, so nothing is left to send: the double's list
        // of sendMessage calls for the chat is final.
        long chatId = chatIdOf(key);
        List<String> expected =
            log.of(key).stream().map(sent -> ModelServerDouble.ECHO_PREFIX + sent.text()).toList();
        assertEquals(expected, telegram.deliveredTexts(chatId), key + ": replies at Telegram");
      }
      assertEquals(CHATS * UPDATES, log.size());
      int routed = postsToAnotherNode(receivedBy);
      // Each duplicate went to two different nodes, so at least one of them was not the host.
      assertTrue(routed >= CHATS, "posts answered by a node not running the conversation");
      assertEquals(
          CHATS * UPDATES, telegram.calls("sendMessage").size(), "sendMessage calls in all");
      assertTrue(telegram.calls("getMe").size() >= TestCluster.SIZE, "getMe from every node");
      System.out.printf(
          "ClusterTelegramWebhookTest: cluster of 3 ready in %d ms; %d updates of %d chats"
              + " (+%d posted again to another node; %d of the %d posts reached a node that does not"
              + " run the conversation) acknowledged in %d ms (%d retries after 503 or"
              + " connection errors); all %d replies at the Bot API double %d ms later, each"
              + " once, in order%n",
          millis(formed - start),
          log.size(),
          CHATS,
          CHATS,
          routed,
          CHATS * (UPDATES + 1),
          millis(posted - formed),
          retries.get(),
          log.size(),
          millis(replied - posted));
    } catch (Throwable failure) {
      System.out.println(cluster.logs());
      throw failure;
    } finally {
      chats.shutdownNow();
    }
  }

  /**
   * One chat's updates, each acknowledged (200) before the next is posted; update {@link
   * #DUPLICATED} goes to one node and then, once acknowledged, again to a different node.
   */
  private static void sendChat(
      long chatId, SentLog log, AtomicInteger retries, Map<String, List<String>> receivedBy) {
    String key = "user:tg:" + chatId;
    List<String> nodes = receivedBy.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
    try {
      for (int u = 0; u < UPDATES; u++) {
        String text = "chat " + chatId + " update " + u + ".";
        ObjectNode update = privateText(chatId, text);
        var sent = new SentLog.Sent(key, "tg:" + update.path("update_id").asLong(), text);
        if (u == DUPLICATED) {
          int first = ThreadLocalRandom.current().nextInt(TestCluster.SIZE);
          nodes.add(post(update, first, retries));
          nodes.add(post(update, (first + 1) % TestCluster.SIZE, retries));
        } else {
          nodes.add(post(update, -1, retries));
        }
        log.acknowledged(sent);
      }
    } catch (Exception e) {
      throw new IllegalStateException(key + " failed", e);
    }
  }

  /**
   * Posts {@code update} until a node answers 200: to node {@code target}, or to a random serving
   * node each time when it is -1. A 503 or a connection error is retried with the same body, as
   * Telegram does; any other status fails. Returns the name of the node that answered 200.
   */
  private static String post(ObjectNode update, int target, AtomicInteger retries)
      throws Exception {
    long deadline = System.nanoTime() + DELIVER_TIMEOUT.toNanos();
    String last = "nothing";
    while (System.nanoTime() < deadline) {
      ParleyProcess node = target < 0 ? cluster.randomServingNode() : cluster.node(target);
      try {
        HttpResponse<String> response =
            node.postJson(
                    cluster.http(),
                    "/webhooks/telegram",
                    update.toString(),
                    Map.of(SECRET_HEADER, SECRET),
                    POST_TIMEOUT)
                .get(POST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        if (response.statusCode() == 200) {
          return node.name();
        }
        if (response.statusCode() != 503) {
          throw new AssertionError(
              "update "
                  + update.path("update_id")
                  + " to "
                  + node.name()
                  + ": "
                  + response.statusCode()
                  + " "
                  + response.body());
        }
        last = node.name() + " answered 503 " + response.body();
      } catch (ExecutionException e) {
        last = node.name() + ": " + e.getCause();
      }
      retries.incrementAndGet();
      node.pause();
    }
    throw new AssertionError(
        "update "
            + update.path("update_id")
            + " not acknowledged in "
            + DELIVER_TIMEOUT
            + ": "
            + last);
  }

  /** Waits until the double has at least one accepted sendMessage per acknowledged update. */
  private static void awaitReplies(SentLog log) throws InterruptedException {
    long deadline = System.nanoTime() + REPLIES_TIMEOUT.toNanos();
    while (telegram.delivered().size() < log.size()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "replies at the Bot API double: "
                + telegram.delivered().size()
                + " of "
                + log.size()
                + " after "
                + REPLIES_TIMEOUT);
      }
      cluster.randomServingNode().pause();
    }
  }

  /**
   * How many posts a node answered that does not host the conversation's shard (read from each
   * node's {@code /cluster/shards/Conversation} now; nothing rebalances in a cluster started at
   * once): those went through sharding to another node.
   */
  private static int postsToAnotherNode(Map<String, List<String>> receivedBy) throws Exception {
    Map<String, String> hostOfShard = new HashMap<>();
    for (int i = 0; i < TestCluster.SIZE; i++) {
      for (String shard : cluster.node(i).hostedShards(cluster.http())) {
        hostOfShard.put(shard, cluster.node(i).name());
      }
    }
    int routed = 0;
    for (var entry : receivedBy.entrySet()) {
      String shard = Integer.toString(Math.abs(entry.getKey().hashCode() % SHARDS));
      String host = hostOfShard.get(shard);
      routed += (int) entry.getValue().stream().filter(node -> !node.equals(host)).count();
    }
    return routed;
  }

  /** The stored private-chat text update with a fresh update_id, chat and user {@code chatId}. */
  private static ObjectNode privateText(long chatId, String text) throws IOException {
    ObjectNode update;
    try (InputStream in =
        ClusterTelegramWebhookTest.class.getResourceAsStream("/telegram/private-text.json")) {
      update = (ObjectNode) MAPPER.readTree(in);
    }
    update.put("update_id", UPDATE_IDS.incrementAndGet());
    ObjectNode message = (ObjectNode) update.path("message");
    ((ObjectNode) message.path("chat")).put("id", chatId);
    ((ObjectNode) message.path("from")).put("id", chatId);
    message.put("text", text);
    return update;
  }

  private static long chatIdOf(String key) {
    return Long.parseLong(key.substring("user:tg:".length()));
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
