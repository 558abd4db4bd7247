package dev.parley.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The Telegram Bot API as the bench's node meets it: {@code POST /bot<token>/<method>} for getMe,
 * setWebhook, getWebhookInfo, sendMessage, sendChatAction and answerCallbackQuery, answered as
 * Telegram answers a success ({@code {"ok":true,"result":...}}, a sent message with its id, chat
 * and text); a wrong token or an unknown method gets Telegram's 404. Built to cost little under
 * load (the test suite's double keeps every call): it counts calls by method and hands each
 * sendMessage's chat and arrival time to {@link ChannelReplies}, reading only the fields it needs.
 */
final class BotApiDouble extends ChannelApiDouble {
  static final long BOT_ID = 7_000_000_001L;
  private static final String NOT_FOUND =
      "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}";
  private static final String TRUE = "{\"ok\":true,\"result\":true}";
  private static final String ME =
      "{\"ok\":true,\"result\":{\"id\":"
          + BOT_ID
          + ",\"is_bot\":true,\"first_name\":\"Parley bench\",\"username\":\"parley_bench_bot\","
          + "\"can_join_groups\":true,\"can_read_all_group_messages\":false,"
          + "\"supports_inline_queries\":false}}";

  private final ActorSystem<?> system;
  private final String prefix;
  private final ChannelReplies replies;
  private final AtomicLong messageIds = new AtomicLong(1000);
  private final AtomicReference<String> webhookUrl = new AtomicReference<>("");

  private BotApiDouble(ActorSystem<?> system, String token, ChannelReplies replies) {
    super("Bot API double");
    this.system = system;
    this.prefix = "/bot" + token + "/";
    this.replies = replies;
  }

  static BotApiDouble start(ActorSystem<?> system, String token, ChannelReplies replies) {
    BotApiDouble api = new BotApiDouble(system, token, replies);
    api.server = DoubleServer.bind(system, api.name(), api::handle);
    return api;
  }

  @Override
  String url() {
    return server.root();
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    long at = System.nanoTime();
    String path = request.getUri().path();
    String method = path.startsWith(prefix) ? path.substring(prefix.length()) : "";
    switch (method) {
      case "sendMessage", "setWebhook" -> {
        return DoubleServer.body(system, request).thenApply(body -> answer(method, body, at));
      }
      case "getMe", "getWebhookInfo", "sendChatAction", "answerCallbackQuery" -> {
        request.discardEntityBytes(system);
        return CompletableFuture.completedFuture(answer(method, "", at));
      }
      default -> {
        request.discardEntityBytes(system);
        server.count("not found");
        return CompletableFuture.completedFuture(DoubleServer.json(404, NOT_FOUND));
      }
    }
  }

  private HttpResponse answer(String method, String body, long at) {
    server.count(method);
    return DoubleServer.json(
        200,
        switch (method) {
          case "sendMessage" -> sent(body, at);
          case "setWebhook" -> {
            String url = DoubleServer.field(body, "url");
            webhookUrl.set(url == null ? "" : url);
            yield "{\"ok\":true,\"result\":true,\"description\":\"Webhook was set\"}";
          }
          case "getMe" -> ME;
          case "getWebhookInfo" ->
              "{\"ok\":true,\"result\":{\"url\":\""
                  + webhookUrl.get()
                  + "\",\"has_custom_certificate\":false,\"pending_update_count\":0,"
                  + "\"max_connections\":40}}";
          default -> TRUE;
        });
  }

  /** A sent message as Telegram returns it; the chat's reply is handed on first. */
  private String sent(String body, long at) {
    String chat = DoubleServer.field(body, "chat_id");
    if (chat != null) {
      replies.arrived(chat, at);
    }
    String text = DoubleServer.field(body, "text");
    return "{\"ok\":true,\"result\":{\"message_id\":"
        + messageIds.incrementAndGet()
        + ",\"from\":{\"id\":"
        + BOT_ID
        + ",\"is_bot\":true,\"first_name\":\"Parley bench\",\"username\":\"parley_bench_bot\"},"
        + "\"chat\":{\"id\":"
        + (chat == null ? "0" : chat)
        + ",\"type\":\"private\"},\"date\":"
        + System.currentTimeMillis() / 1000
        + ",\"text\":\""
        + (text == null ? "" : text)
        + "\"}}";
  }
}
