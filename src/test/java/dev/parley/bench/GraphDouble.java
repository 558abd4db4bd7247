package dev.parley.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The WhatsApp Cloud API (Graph API) as the bench's node meets it: {@code POST
 * /v21.0/<phone-number-id>/messages} with the access token as a bearer token. A text message is
 * answered as Meta answers a send (contacts and the new wamid), a read receipt with typing
 * indicator with {@code {"success":true}}; a wrong token gets Meta's 401 (code 190), another path
 * its 400 (code 100). Built to cost little under load: it counts calls by kind and hands each
 * message's recipient ({@code to}) and arrival time to {@link ChannelReplies}, reading only the
 * fields it needs.
 */
final class GraphDouble extends ChannelApiDouble {
  static final String VERSION = "v21.0";

  private final ActorSystem<?> system;
  private final String path;
  private final String authorization;
  private final ChannelReplies replies;
  private final AtomicLong wamids = new AtomicLong();

  private GraphDouble(
      ActorSystem<?> system, String phoneNumberId, String accessToken, ChannelReplies replies) {
    super("Graph API double");
    this.system = system;
    this.path = "/" + VERSION + "/" + phoneNumberId + "/messages";
    this.authorization = "Bearer " + accessToken;
    this.replies = replies;
  }

  static GraphDouble start(
      ActorSystem<?> system, String phoneNumberId, String accessToken, ChannelReplies replies) {
    GraphDouble api = new GraphDouble(system, phoneNumberId, accessToken, replies);
    api.server = DoubleServer.bind(system, api.name(), api::handle);
    return api;
  }

  @Override
  String url() {
    return server.root() + "/" + VERSION;
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    long at = System.nanoTime();
    if (!request.getUri().path().equals(path)) {
      return refuse(request, "not found", 400, 100, "Unsupported post request");
    }
    String given = request.getHeader("Authorization").map(h -> h.value()).orElse("");
    if (!given.equals(authorization)) {
      return refuse(request, "unauthorized", 401, 190, "Invalid OAuth access token");
    }
    return DoubleServer.body(system, request).thenApply(body -> answer(body, at));
  }

  private HttpResponse answer(String body, long at) {
    if ("read".equals(DoubleServer.field(body, "status"))) {
      server.count("read receipts");
      return DoubleServer.json(200, "{\"success\":true}");
    }
    server.count("messages");
    String to = DoubleServer.field(body, "to");
    if (to != null) {
      replies.arrived(to, at);
    }
    String waId = to == null ? "" : to;
    return DoubleServer.json(
        200,
        "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\""
            + waId
            + "\",\"wa_id\":\""
            + waId
            + "\"}],\"messages\":[{\"id\":\"wamid.BENCHOUT"
            + wamids.incrementAndGet()
            + "\"}]}");
  }

  private CompletionStage<HttpResponse> refuse(
      HttpRequest request, String kind, int status, int code, String message) {
    request.discardEntityBytes(system);
    server.count(kind);
    return CompletableFuture.completedFuture(
        DoubleServer.json(
            status,
            "{\"error\":{\"message\":\""
                + message
                + "\",\"type\":\"OAuthException\",\"code\":"
                + code
                + ",\"fbtrace_id\":\"BENCH\"}}"));
  }
}
