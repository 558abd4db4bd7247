package dev.parley.channel.whatsapp;

import dev.parley.async.Backoff;
import dev.parley.async.Stages;
import dev.parley.channel.whatsapp.GraphOutcome.Abandon;
import dev.parley.channel.whatsapp.GraphOutcome.BadToken;
import dev.parley.channel.whatsapp.GraphOutcome.Retry;
import dev.parley.channel.whatsapp.GraphOutcome.Sent;
import dev.parley.conversation.DeliveryResult;
import dev.parley.conversation.OutboundReply;
import dev.parley.conversation.ReplyAddress;
import dev.parley.conversation.ReplySender;
import dev.parley.text.Utf16;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a conversation's replies as WhatsApp text messages: cut at max-reply-chars with a notice
 * and split at 4096 characters (on the default dispatcher, never on the caller's thread), parts in
 * order, the first replying to the user's message; paced per number without blocking; transient
 * Graph errors retried with the shared {@link Backoff} (max-retries, retry-min to retry-max),
 * 131047 and other 4xx abandoned with a reason, 190 raised as an operator alert. Parts already sent
 * are remembered per reply (and conversation incarnation), so when the conversation retries a reply
 * whose later part failed, the earlier parts are not sent twice (within this node's life).
 */
public final class WhatsAppReplySender implements ReplySender {
  private static final Logger log = LoggerFactory.getLogger(WhatsAppReplySender.class);

  /** Bounds the per-reply and per-conversation memories under a flood of conversations. */
  private static final int MAX_REMEMBERED = 10_000;

  private record Typed(String wamid, long atNanos) {}

  private final ActorSystem<?> system;
  private final WhatsAppSettings settings;
  private final GraphApiClient client;
  private final PacingBucket bucket;
  private final WhatsAppHealth health;
  private final Backoff retries;
  private final Map<String, List<String>> progress = new ConcurrentHashMap<>();
  private final Map<String, Typed> typed = new ConcurrentHashMap<>();

  private WhatsAppReplySender(
      ActorSystem<?> system, WhatsAppSettings settings, WhatsAppHealth health) {
    this.system = system;
    this.settings = settings;
    this.client = new GraphApiClient(system, settings);
    this.bucket =
        new PacingBucket(settings.messagesPerSecond(), settings.burst(), System::nanoTime);
    this.health = health;
    this.retries = settings.retryPolicy();
  }

  public static WhatsAppReplySender create(
      ActorSystem<?> system, WhatsAppSettings settings, WhatsAppHealth health) {
    return new WhatsAppReplySender(system, settings, health);
  }

  public WhatsAppHealth health() {
    return health;
  }

  @Override
  public CompletionStage<DeliveryResult> send(OutboundReply reply) {
    ReplyAddress address = reply.address();
    if (address == null || address.chatId() == null || address.chatId().isBlank()) {
      return done(new DeliveryResult.Abandoned("no WhatsApp number to reply to"));
    }
    // The caller is the conversation's entity: splitting runs on the default dispatcher (never
    // the JDK's common pool, which on 2 cores starts a thread per task).
    return CompletableFuture.supplyAsync(() -> parts(reply), system.executionContext())
        .thenCompose(parts -> sendParts(reply, parts));
  }

  private List<String> parts(OutboundReply reply) {
    List<String> parts =
        new ArrayList<>(
            WhatsAppText.parts(reply.text(), settings.maxReplyChars(), settings.replyCutNotice()));
    if (!reply.buttons().isEmpty()
        && !parts.isEmpty()
        && parts.get(parts.size() - 1).length() > WhatsAppBodies.MAX_BUTTON_BODY) {
      // A button message's body holds at most 1024 characters: the buttons follow alone.
      parts.add(CHOOSE);
    }
    return parts;
  }

  private CompletionStage<DeliveryResult> sendParts(OutboundReply reply, List<String> parts) {
    if (parts.isEmpty()) {
      return done(new DeliveryResult.Abandoned("empty reply"));
    }
    // Only a re-send of this very reply resumes it: not a reply of the same id in another
    // conversation, nor in a later incarnation of this one (ids start over after an erasure).
    String job = reply.progressKey();
    if (progress.size() > MAX_REMEMBERED) {
      progress.clear();
    }
    List<String> sent = progress.computeIfAbsent(job, k -> new CopyOnWriteArrayList<>());
    return sendFrom(reply, parts, sent)
        .whenComplete((result, error) -> finish(job, reply, result, error));
  }

  @Override
  public void typing(String conversationKey, ReplyAddress address) {
    if (address == null || address.replyToMessageId() == null) {
      return;
    }
    String wamid = address.replyToMessageId();
    long now = System.nanoTime();
    Typed last = typed.get(conversationKey);
    if (last != null
        && last.wamid().equals(wamid)
        && now - last.atNanos() < settings.typingEvery().toNanos()) {
      return;
    }
    // Best effort: skipped rather than queued when the number is busy sending replies.
    if (!bucket.tryTake()) {
      return;
    }
    if (typed.size() > MAX_REMEMBERED) {
      typed.clear();
    }
    typed.put(conversationKey, new Typed(wamid, now));
    client
        .post(WhatsAppBodies.readWithTyping(wamid))
        .whenComplete(
            (outcome, error) ->
                log.debug(
                    "{}: typing indicator: {}", conversationKey, error == null ? outcome : error));
  }

  private static final String CHOOSE = "Please choose:";

  private CompletionStage<DeliveryResult> sendFrom(
      OutboundReply reply, List<String> parts, List<String> sent) {
    int index = sent.size();
    if (index >= parts.size()) {
      return done(new DeliveryResult.Delivered(sent.stream().filter(id -> !id.isEmpty()).toList()));
    }
    ReplyAddress address = reply.address();
    String replyTo = index == 0 ? address.replyToMessageId() : null;
    boolean withButtons = index == parts.size() - 1 && !reply.buttons().isEmpty();
    byte[] body =
        withButtons
            ? WhatsAppBodies.buttons(
                address.chatId(),
                parts.get(index),
                reply.buttons().stream()
                    .map(b -> new WhatsAppBodies.ReplyButton(b.data(), Utf16.wellFormed(b.title())))
                    .toList(),
                replyTo)
            : WhatsAppBodies.text(address.chatId(), parts.get(index), replyTo);
    return sendPart(reply, index, body, 0)
        .thenCompose(
            outcome -> {
              if (outcome instanceof Sent s) {
                sent.add(s.wamid() == null ? "" : s.wamid());
                return sendFrom(reply, parts, sent);
              }
              return done(new DeliveryResult.Abandoned(((Abandon) outcome).reason()));
            });
  }

  /** One part, retried while transient; ends as Sent or Abandon, or fails (retry later). */
  private CompletionStage<GraphOutcome> sendPart(
      OutboundReply reply, int index, byte[] body, int attempt) {
    return paced(() -> client.post(body))
        .thenCompose(
            outcome -> {
              if (outcome instanceof Sent) {
                health.sendSucceeded();
                return CompletableFuture.completedFuture(outcome);
              }
              if (outcome instanceof Abandon) {
                return CompletableFuture.completedFuture(outcome);
              }
              if (outcome instanceof BadToken bad) {
                health.alert("whatsapp-token", bad.reason());
                log.error(
                    "WhatsApp: {}; replies are held until WHATSAPP_ACCESS_TOKEN is replaced"
                        + " (conversation {}, reply {})",
                    bad.reason(),
                    reply.conversationKey(),
                    reply.replyId());
                return CompletableFuture.failedFuture(new IllegalStateException(bad.reason()));
              }
              String reason = ((Retry) outcome).reason();
              if (!retries.allowsRetryAfter(attempt + 1)) {
                return CompletableFuture.failedFuture(
                    new IllegalStateException(
                        "gave up after " + (attempt + 1) + " attempts (" + reason + ")"));
              }
              Duration pause = retries.delay(attempt + 1);
              log.debug(
                  "{}: part {} of reply {} not sent ({}), again in {} ms",
                  reply.conversationKey(),
                  index + 1,
                  reply.replyId(),
                  reason,
                  pause.toMillis());
              return later(pause, () -> sendPart(reply, index, body, attempt + 1));
            });
  }

  private CompletionStage<GraphOutcome> paced(Supplier<CompletionStage<GraphOutcome>> call) {
    long wait = bucket.reserve();
    return wait == 0 ? call.get() : later(Duration.ofNanos(wait), call);
  }

  private <T> CompletionStage<T> later(Duration pause, Supplier<CompletionStage<T>> call) {
    try {
      return Stages.on(system.executionContext(), Patterns.after(pause, system, call::get));
    } catch (IllegalStateException e) {
      // The scheduler refuses new timers while the actor system shuts down.
      return CompletableFuture.failedFuture(new IllegalStateException("shutting down"));
    }
  }

  private void finish(String job, OutboundReply reply, DeliveryResult result, Throwable error) {
    if (error != null) {
      // Keep the parts sent so far: the conversation retries this reply and resumes after them.
      log.warn(
          "{}: reply {} not sent yet: {}",
          reply.conversationKey(),
          reply.replyId(),
          (error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                  ? error.getCause()
                  : error)
              .getMessage());
      return;
    }
    progress.remove(job);
    if (result instanceof DeliveryResult.Abandoned abandoned) {
      log.info(
          "{}: reply {} abandoned: {}",
          reply.conversationKey(),
          reply.replyId(),
          abandoned.reason());
    }
  }

  private static CompletionStage<DeliveryResult> done(DeliveryResult result) {
    return CompletableFuture.completedFuture(result);
  }
}
