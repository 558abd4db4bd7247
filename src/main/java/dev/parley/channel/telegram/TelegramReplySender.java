package dev.parley.channel.telegram;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.async.Backoff;
import dev.parley.async.Stages;
import dev.parley.channel.telegram.TelegramHtml.Rendered;
import dev.parley.channel.telegram.TelegramWire.ApiResponse;
import dev.parley.conversation.DeliveryResult;
import dev.parley.conversation.OutboundReply;
import dev.parley.conversation.ReplyAddress;
import dev.parley.conversation.ReplySender;
import dev.parley.text.Utf16;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a conversation's reply to Telegram: Markdown capped and split into parts that fit, rendered
 * as HTML (on the default dispatcher, never on the caller's thread), sent in order with sendMessage
 * (the first part replying to the user's message in groups), paced by token buckets. A 429 waits
 * its retry_after, never less; a 5xx or a network error is retried with the shared {@link Backoff}
 * (send.*) a bounded number of times, then the stage fails so that the conversation retries later;
 * a 403 or "chat not found" abandons the reply. Parts already sent are remembered per reply (and
 * conversation incarnation) in this process, so a retry of the reply does not send them again.
 * Nothing here blocks.
 */
public final class TelegramReplySender implements ReplySender {
  private static final Logger log = LoggerFactory.getLogger(TelegramReplySender.class);

  /**
   * Bounds the memory of half-sent replies. An entry outlives its reply when the conversation stops
   * or is erased before it sends the reply again; forgetting them all only costs a resumed reply
   * its first parts twice.
   */
  private static final int MAX_REMEMBERED = 10_000;

  private final ActorSystem<?> system;
  private final TelegramBotApi api;
  private final Backoff retries;
  private final TelegramPacer pacer;
  private final TelegramReplyText replyText;
  private final Map<String, List<String>> sentParts = new ConcurrentHashMap<>();

  public TelegramReplySender(ActorSystem<?> system, TelegramBotApi api, TelegramSettings settings) {
    this.system = system;
    this.api = api;
    this.retries = settings.sendBackoff();
    this.pacer = new TelegramPacer(settings.pacing(), System::nanoTime);
    this.replyText =
        new TelegramReplyText(
            settings.maxMessageChars(), settings.maxReplyChars(), settings.replyCutNotice());
  }

  /** What became of one part: sent (with Telegram's message id) or abandoned for good. */
  private record PartOutcome(String messageId, String abandonReason) {}

  @Override
  public CompletionStage<DeliveryResult> send(OutboundReply reply) {
    ReplyAddress address = reply.address();
    if (address == null || address.chatId() == null) {
      return CompletableFuture.completedFuture(
          new DeliveryResult.Abandoned("no Telegram chat to send to"));
    }
    // The caller is the conversation's entity: splitting runs on the default dispatcher (never
    // the JDK's common pool, which on 2 cores starts a thread per task).
    return CompletableFuture.supplyAsync(
            () -> replyText.parts(reply.text()), system.executionContext())
        .thenCompose(parts -> sendParts(reply, parts));
  }

  private CompletionStage<DeliveryResult> sendParts(OutboundReply reply, List<Rendered> parts) {
    if (sentParts.size() > MAX_REMEMBERED) {
      sentParts.clear();
    }
    List<String> ids = new ArrayList<>(sentParts.getOrDefault(reply.progressKey(), List.of()));
    CompletableFuture<DeliveryResult> result = new CompletableFuture<>();
    sendFrom(reply, parts, ids, result);
    return result;
  }

  private void sendFrom(
      OutboundReply reply,
      List<Rendered> parts,
      List<String> ids,
      CompletableFuture<DeliveryResult> result) {
    int index = ids.size();
    if (index >= parts.size()) {
      sentParts.remove(reply.progressKey());
      log.debug("{}: reply {} sent as {}", reply.conversationKey(), reply.replyId(), ids);
      result.complete(new DeliveryResult.Delivered(List.copyOf(ids)));
      return;
    }
    // Buttons go on the last part only, under the end of the text they answer.
    OutboundReply thisPart =
        index == parts.size() - 1
            ? reply
            : new OutboundReply(
                reply.conversationKey(),
                reply.replyId(),
                reply.text(),
                reply.address(),
                List.of(),
                reply.incarnation());
    sendPart(thisPart, parts.get(index), index == 0, true, 1)
        .whenComplete(
            (outcome, error) -> {
              if (error != null) {
                result.completeExceptionally(error);
              } else if (outcome.abandonReason() != null) {
                sentParts.remove(reply.progressKey());
                log.warn(
                    "{}: reply {} abandoned: {}",
                    reply.conversationKey(),
                    reply.replyId(),
                    outcome.abandonReason());
                result.complete(new DeliveryResult.Abandoned(outcome.abandonReason()));
              } else {
                ids.add(outcome.messageId());
                sentParts.put(reply.progressKey(), List.copyOf(ids));
                sendFrom(reply, parts, ids, result);
              }
            });
  }

  private CompletionStage<PartOutcome> sendPart(
      OutboundReply reply, Rendered part, boolean first, boolean html, int attempt) {
    String chatId = reply.address().chatId();
    ObjectNode body = api.body();
    putId(body, "chat_id", chatId);
    putId(body, "message_thread_id", reply.address().threadId());
    if (first && reply.address().replyToMessageId() != null) {
      ObjectNode replyTo = body.putObject("reply_parameters");
      putId(replyTo, "message_id", reply.address().replyToMessageId());
      // The user may have deleted the message meanwhile: send the reply anyway.
      replyTo.put("allow_sending_without_reply", true);
    }
    if (!reply.buttons().isEmpty()) {
      // One row of inline buttons; the data is the conversation's short id (<= 64 bytes).
      ArrayNode row = body.putObject("reply_markup").putArray("inline_keyboard").addArray();
      reply
          .buttons()
          .forEach(
              b ->
                  row.addObject()
                      .put("text", Utf16.wellFormed(b.title()))
                      .put("callback_data", b.data()));
    }
    if (html) {
      body.put("text", part.html());
      body.put("parse_mode", "HTML");
    } else {
      body.put("text", part.plain());
    }
    return paced(chatId, () -> api.call("sendMessage", body))
        .handle(
            (answer, error) ->
                error != null
                    ? networkFailure(reply, part, first, html, attempt, error)
                    : answered(reply, part, first, html, attempt, answer))
        .thenCompose(stage -> stage);
  }

  private CompletionStage<PartOutcome> answered(
      OutboundReply reply,
      Rendered part,
      boolean first,
      boolean html,
      int attempt,
      ApiResponse answer) {
    if (answer.ok()) {
      return CompletableFuture.completedFuture(
          new PartOutcome(answer.result().path("message_id").asText(), null));
    }
    int code = answer.errorCode() == null ? 0 : answer.errorCode();
    String description = answer.description() == null ? "" : answer.description();
    String lower = description.toLowerCase(Locale.ROOT);
    if (code == 429) {
      // Telegram's retry_after is a hard floor: the chat's bucket is paused until it is over,
      // and the retry goes through the bucket.
      Duration wait = Duration.ofSeconds(Math.max(1, answer.retryAfter()));
      pacer.pause(reply.address().chatId(), wait);
      log.info("{}: Telegram asks to wait {} s", reply.conversationKey(), wait.toSeconds());
      return retryOrFail(reply, part, first, html, attempt, Duration.ZERO, "429");
    }
    if (code == 400 && html && lower.contains("can't parse entities")) {
      log.info("{}: Telegram rejected the HTML, sending as plain text", reply.conversationKey());
      return sendPart(reply, part, first, false, attempt);
    }
    if (code == 403 || (code == 400 && lower.contains("chat not found"))) {
      return abandon("telegram " + code + ": " + description);
    }
    if (code >= 500 || code == 401 || code == 404 || code == 0) {
      // 401/404 mean a wrong token or API URL: fixable by configuration, so not abandoned.
      return retryOrFail(
          reply,
          part,
          first,
          html,
          attempt,
          retries.delay(attempt),
          "HTTP " + code + " " + description);
    }
    return abandon("telegram " + code + ": " + description);
  }

  private CompletionStage<PartOutcome> networkFailure(
      OutboundReply reply,
      Rendered part,
      boolean first,
      boolean html,
      int attempt,
      Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    return retryOrFail(
        reply, part, first, html, attempt, retries.delay(attempt), cause.getMessage());
  }

  private CompletionStage<PartOutcome> retryOrFail(
      OutboundReply reply,
      Rendered part,
      boolean first,
      boolean html,
      int attempt,
      Duration pause,
      String why) {
    if (!retries.allowsRetryAfter(attempt)) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("sendMessage failed " + attempt + " times, last: " + why));
    }
    log.debug(
        "{}: sendMessage for {} failed ({}), again in {} ms",
        reply.conversationKey(),
        reply.replyId(),
        why,
        pause.toMillis());
    return later(pause, () -> sendPart(reply, part, first, html, attempt + 1));
  }

  private static CompletionStage<PartOutcome> abandon(String reason) {
    return CompletableFuture.completedFuture(new PartOutcome(null, reason));
  }

  /** Runs {@code work} once the pacer books a slot for the chat, asking again until it does. */
  private <T> CompletionStage<T> paced(String chatId, Callable<CompletionStage<T>> work) {
    Duration wait = pacer.reserve(chatId);
    return wait.isZero() ? later(Duration.ZERO, work) : later(wait, () -> paced(chatId, work));
  }

  private <T> CompletionStage<T> later(Duration wait, Callable<CompletionStage<T>> work) {
    try {
      if (wait.isZero() || wait.isNegative()) {
        return work.call();
      }
      return Stages.on(system.executionContext(), Patterns.after(wait, system, work));
    } catch (Exception e) {
      // The scheduler refuses timers while the system shuts down: the conversation retries.
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void typing(String conversationKey, ReplyAddress address) {
    if (address == null || address.chatId() == null || !pacer.tryTyping(address.chatId())) {
      return;
    }
    ObjectNode body = api.body();
    putId(body, "chat_id", address.chatId());
    putId(body, "message_thread_id", address.threadId());
    body.put("action", "typing");
    try {
      api.call("sendChatAction", body)
          .whenComplete(
              (answer, error) -> {
                if (error != null || !answer.ok()) {
                  log.debug("{}: typing not shown", conversationKey);
                }
              });
    } catch (RuntimeException e) {
      log.debug("{}: typing not shown ({})", conversationKey, e.getClass().getSimpleName());
    }
  }

  /** Telegram ids are numbers; a chat may also be named by @username, sent as a string. */
  static void putId(ObjectNode body, String field, String id) {
    if (id == null) {
      return;
    }
    try {
      body.put(field, Long.parseLong(id));
    } catch (NumberFormatException e) {
      body.put(field, id);
    }
  }
}
