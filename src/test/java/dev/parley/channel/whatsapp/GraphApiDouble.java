package dev.parley.channel.whatsapp;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * A wire-level double of the WhatsApp Cloud API: a real pekko-http server on 127.0.0.1 serving
 * {@code POST /<version>/<phone-number-id>/messages}. It records every call (path, body, the
 * Authorization header, when it came) and answers sends from a script kept per recipient ("to"), so
 * tests sharing one double do not take each other's answers; while a recipient has a standing
 * answer every send to it gets that instead; otherwise unscripted sends get a 200 with a fresh
 * wamid. Read receipts ({@code "status":"read"}) are answered {@code success} at once.
 */
public final class GraphApiDouble implements AutoCloseable {
  public static final String VERSION = "v21.0";
  public static final String PHONE_NUMBER_ID = "106540352242922";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One call as the double saw it. */
  public record Call(String path, JsonNode body, String authorization, long atNanos) {
    public boolean isReadReceipt() {
      return "read".equals(body.path("status").asText());
    }

    public String to() {
      return body.path("to").asText();
    }

    public String text() {
      return body.path("text").path("body").asText();
    }

    /** The {@code context.message_id}, or null when the send replies to nothing. */
    public String contextId() {
      JsonNode id = body.path("context").path("message_id");
      return id.isMissingNode() ? null : id.asText();
    }
  }

  /** An answer to a send. */
  public record Answer(int status, String body) {
    public static Answer sent(String wamid) {
      return new Answer(
          200,
          "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"x\",\"wa_id\":\"x\"}],"
              + "\"messages\":[{\"id\":\""
              + wamid
              + "\"}]}");
    }

    /** A Graph API error as Meta writes it. */
    public static Answer error(int status, int code, String message) {
      ObjectNode root = MAPPER.createObjectNode();
      ObjectNode error = root.putObject("error");
      error.put("message", message).put("type", "OAuthException").put("code", code);
      error.putObject("error_data").put("messaging_product", "whatsapp").put("details", message);
      error.put("fbtrace_id", "AbCdEfGhIjKlMnOp");
      return new Answer(status, root.toString());
    }
  }

  private final ActorSystem<?> system;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Queue<CompletableFuture<Answer>>> scripts = new ConcurrentHashMap<>();
  private final Map<String, Answer> standing = new ConcurrentHashMap<>();
  private final List<CompletableFuture<Answer>> handedOut = new CopyOnWriteArrayList<>();
  private final AtomicInteger sentIds = new AtomicInteger();
  private ServerBinding binding;

  private GraphApiDouble(ActorSystem<?> system) {
    this.system = system;
  }

  /** Binds a new double; waits (test thread only) until it listens. */
  public static GraphApiDouble start(ActorSystem<?> system) {
    GraphApiDouble server = new GraphApiDouble(system);
    try {
      server.binding =
          Http.get(system)
              .newServerAt("127.0.0.1", 0)
              .bind(server::handle)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the Graph API double could not bind", e);
    }
    return server;
  }

  /** The root to configure as {@code parley.whatsapp.api-url}. */
  public String apiUrl() {
    return "http://127.0.0.1:" + binding.localAddress().getPort() + "/" + VERSION;
  }

  /** The next send to {@code to} gets {@code answer}. */
  public GraphApiDouble enqueue(String to, Answer answer) {
    script(to).add(CompletableFuture.completedFuture(answer));
    return this;
  }

  /** The next send to {@code to} waits until the test completes the returned future. */
  public CompletableFuture<Answer> enqueueDeferred(String to) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    script(to).add(answer);
    return answer;
  }

  /** Every send to {@code to} gets {@code answer}, ahead of any script, until cleared. */
  public GraphApiDouble standing(String to, Answer answer) {
    standing.put(to, answer);
    return this;
  }

  public GraphApiDouble clearStanding(String to) {
    standing.remove(to);
    return this;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** Every message sent to {@code to} (read receipts left out), oldest first. */
  public List<Call> sendsTo(String to) {
    return calls.stream().filter(c -> !c.isReadReceipt() && to.equals(c.to())).toList();
  }

  /** Every read receipt (with typing indicator) for the user's message {@code wamid}. */
  public List<Call> readReceiptsFor(String wamid) {
    return calls.stream()
        .filter(c -> c.isReadReceipt() && wamid.equals(c.body().path("message_id").asText()))
        .toList();
  }

  @Override
  public void close() {
    Answer closed = Answer.error(503, 131000, "double closed");
    handedOut.forEach(a -> a.complete(closed));
    try {
      binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the Graph API double did not stop", e);
    }
  }

  private Queue<CompletableFuture<Answer>> script(String to) {
    return scripts.computeIfAbsent(to, k -> new ConcurrentLinkedQueue<>());
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    return request
        .entity()
        .toStrict(10_000, system)
        .thenCompose(
            strict -> {
              String path = request.getUri().path();
              Call call =
                  new Call(
                      path,
                      parse(strict.getData().utf8String()),
                      request.getHeader("Authorization").map(h -> h.value()).orElse(null),
                      System.nanoTime());
              calls.add(call);
              if (!path.equals("/" + VERSION + "/" + PHONE_NUMBER_ID + "/messages")) {
                return done(Answer.error(404, 100, "Unsupported post request"));
              }
              if (call.isReadReceipt()) {
                return done(new Answer(200, "{\"success\":true}"));
              }
              Answer fixed = standing.get(call.to());
              if (fixed != null) {
                return done(fixed);
              }
              CompletableFuture<Answer> next = script(call.to()).poll();
              if (next == null) {
                return done(Answer.sent("wamid.DOUBLE" + sentIds.incrementAndGet()));
              }
              handedOut.add(next);
              return next.thenApply(GraphApiDouble::response);
            });
  }

  private static CompletionStage<HttpResponse> done(Answer answer) {
    return CompletableFuture.completedFuture(response(answer));
  }

  private static HttpResponse response(Answer answer) {
    return HttpResponse.create()
        .withStatus(answer.status())
        .withEntity(
            HttpEntities.create(
                ContentTypes.APPLICATION_JSON, answer.body().getBytes(StandardCharsets.UTF_8)));
  }

  private static JsonNode parse(String body) {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      return TextNode.valueOf(body);
    }
  }
}
