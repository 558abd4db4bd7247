package dev.parley.channel.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A wire-level double of the Telegram Bot API: a real pekko-http server on 127.0.0.1 and a port
 * from the OS, serving {@code /bot<token>/<method>} for getMe, setWebhook, getWebhookInfo,
 * sendMessage, sendChatAction and answerCallbackQuery. It records every call (method, JSON body,
 * when it came, what it answered) and answers each method from a script of queued answers (429 with
 * retry_after, 5xx, 403, 400 "can't parse entities", 400 "chat not found"), or else a standing
 * answer, or else the way Telegram answers a success, optionally as a slow chunked entity. A wrong
 * token gets Telegram's 404.
 */
public final class TelegramBotApiDouble implements AutoCloseable {
  public static final long BOT_ID = 7000000001L;
  public static final String BOT_USERNAME = "parley_test_bot";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One call as the double saw it: {@code at} is System.nanoTime() on arrival. */
  public record Call(String method, JsonNode body, long at, int status) {}

  /** A scripted answer: an HTTP status and a JSON body. */
  public record Answer(int status, String body) {
    public static Answer tooManyRequests(int retryAfterSeconds) {
      return error(
          429,
          "Too Many Requests: retry after " + retryAfterSeconds,
          ",\"parameters\":{\"retry_after\":" + retryAfterSeconds + "}");
    }

    public static Answer serverError() {
      return error(502, "Bad Gateway", "");
    }

    public static Answer forbidden() {
      return error(403, "Forbidden: bot was blocked by the user", "");
    }

    public static Answer cantParseEntities() {
      return error(
          400,
          "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0",
          "");
    }

    public static Answer chatNotFound() {
      return error(400, "Bad Request: chat not found", "");
    }

    private static Answer error(int code, String description, String extra) {
      return new Answer(
          code,
          "{\"ok\":false,\"error_code\":"
              + code
              + ",\"description\":"
              + TextNode.valueOf(description)
              + extra
              + "}");
    }
  }

  private final ActorSystem<?> system;
  private final String token;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Queue<Answer>> scripts = new ConcurrentHashMap<>();
  private final Map<String, Answer> standing = new ConcurrentHashMap<>();
  private final AtomicLong messageIds = new AtomicLong(1000);
  private volatile boolean chunked;
  private ServerBinding binding;

  private TelegramBotApiDouble(ActorSystem<?> system, String token) {
    this.system = system;
    this.token = token;
  }

  /** Binds a double for {@code token}; waits (test thread only) until it listens. */
  public static TelegramBotApiDouble start(ActorSystem<?> system, String token) {
    TelegramBotApiDouble api = new TelegramBotApiDouble(system, token);
    try {
      api.binding =
          Http.get(system)
              .newServerAt("127.0.0.1", 0)
              .bind(api::handle)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the Bot API double could not bind", e);
    }
    return api;
  }

  /** The root to configure as {@code parley.telegram.api-url}. */
  public String url() {
    return "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  /** The next calls of {@code method} get these answers, in order. */
  public TelegramBotApiDouble script(String method, Answer... answers) {
    scripts.computeIfAbsent(method, m -> new ConcurrentLinkedQueue<>()).addAll(List.of(answers));
    return this;
  }

  /** Every call of {@code method} gets {@code answer} until {@link #clearStanding}. */
  public TelegramBotApiDouble standing(String method, Answer answer) {
    standing.put(method, answer);
    return this;
  }

  public TelegramBotApiDouble clearStanding(String method) {
    standing.remove(method);
    return this;
  }

  /**
   * From now on every answer comes as a chunked entity whose last chunk follows after a pause, as
   * over a slow network: the client must subscribe to the entity to read it.
   */
  public TelegramBotApiDouble chunked() {
    chunked = true;
    return this;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String method) {
    return calls.stream().filter(c -> c.method().equals(method)).collect(Collectors.toList());
  }

  /** sendMessage calls Telegram accepted, in arrival order. */
  public List<Call> delivered() {
    return calls("sendMessage").stream()
        .filter(c -> c.status() == 200)
        .collect(Collectors.toList());
  }

  /** The body of every sendMessage to {@code chatId}, accepted or not, in arrival order. */
  public List<JsonNode> sentTo(long chatId) {
    return calls("sendMessage").stream()
        .filter(c -> c.body().path("chat_id").asLong() == chatId)
        .map(Call::body)
        .collect(Collectors.toList());
  }

  /** The text of every accepted sendMessage to {@code chatId}, in order. */
  public List<String> deliveredTexts(long chatId) {
    return delivered().stream()
        .filter(c -> c.body().path("chat_id").asLong() == chatId)
        .map(c -> c.body().path("text").asText())
        .collect(Collectors.toList());
  }

  @Override
  public void close() {
    try {
      binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the Bot API double did not stop", e);
    }
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    long at = System.nanoTime();
    String path = request.getUri().path();
    return request
        .entity()
        .toStrict(5000, system)
        .thenApply(
            strict -> {
              String prefix = "/bot" + token + "/";
              if (!path.startsWith(prefix)) {
                return respond(
                    new Answer(
                        404, "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}"));
              }
              String method = path.substring(prefix.length());
              JsonNode body = parse(strict.getData().utf8String());
              Answer answer = answerFor(method, body);
              calls.add(new Call(method, body, at, answer.status()));
              return chunked ? respondChunked(answer) : respond(answer);
            });
  }

  private Answer answerFor(String method, JsonNode body) {
    Queue<Answer> queued = scripts.get(method);
    Answer next = queued == null ? null : queued.poll();
    if (next != null) {
      return next;
    }
    Answer fixed = standing.get(method);
    return fixed != null ? fixed : success(method, body);
  }

  private Answer success(String method, JsonNode body) {
    ObjectNode root = MAPPER.createObjectNode().put("ok", true);
    switch (method) {
      case "getMe" ->
          root.putObject("result")
              .put("id", BOT_ID)
              .put("is_bot", true)
              .put("first_name", "Parley")
              .put("username", BOT_USERNAME);
      case "getWebhookInfo" ->
          root.putObject("result")
              .put("url", "https://example.org/webhooks/telegram")
              .put("has_custom_certificate", false)
              .put("pending_update_count", 0);
      case "sendMessage" -> {
        ObjectNode message = root.putObject("result");
        message.put("message_id", messageIds.incrementAndGet());
        message.put("date", 1767225600);
        message.putObject("chat").put("id", body.path("chat_id").asLong());
        message.put("text", body.path("text").asText());
      }
      case "setWebhook", "sendChatAction", "answerCallbackQuery" -> root.put("result", true);
      default -> {
        return new Answer(
            404,
            "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found: method not found\"}");
      }
    }
    return new Answer(200, root.toString());
  }

  private static JsonNode parse(String body) {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      return TextNode.valueOf(body);
    }
  }

  private static HttpResponse respondChunked(Answer answer) {
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    int half = bytes.length / 2;
    Source<ByteString, NotUsed> data =
        Source.single(ByteString.fromArray(bytes, 0, half))
            .concat(
                Source.single(ByteString.fromArray(bytes, half, bytes.length - half))
                    .initialDelay(Duration.ofSeconds(1)));
    return HttpResponse.create()
        .withStatus(answer.status())
        .withEntity(HttpEntities.createChunked(ContentTypes.APPLICATION_JSON, data));
  }

  private static HttpResponse respond(Answer answer) {
    return HttpResponse.create()
        .withStatus(answer.status())
        .withEntity(
            HttpEntities.create(
                ContentTypes.APPLICATION_JSON, answer.body().getBytes(StandardCharsets.UTF_8)));
  }
}
