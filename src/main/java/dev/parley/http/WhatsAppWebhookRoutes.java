package dev.parley.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.channel.whatsapp.WhatsAppDelivery;
import dev.parley.channel.whatsapp.WhatsAppDelivery.Inbound;
import dev.parley.channel.whatsapp.WhatsAppDelivery.Part;
import dev.parley.channel.whatsapp.WhatsAppDelivery.Refused;
import dev.parley.channel.whatsapp.WhatsAppDelivery.ReportedError;
import dev.parley.channel.whatsapp.WhatsAppDelivery.StatusUpdate;
import dev.parley.channel.whatsapp.WhatsAppParser;
import dev.parley.channel.whatsapp.WhatsAppSettings;
import dev.parley.channel.whatsapp.WhatsAppSignature;
import dev.parley.conversation.ConversationKey;
import dev.parley.conversation.Conversations;
import dev.parley.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /webhooks/whatsapp} answers Meta's subscription check; {@code POST /webhooks/whatsapp}
 * checks the signature over the raw bytes while they stream in, before anything is parsed ({@link
 * WhatsAppBodyReader}: 401, 413 or 503, nothing recorded, each refusal counted rather than logged),
 * then records every part of the delivery and answers 200 only once all are recorded. If any part
 * could not be, the answer is 503 so that Meta delivers it again: parts already recorded are
 * recognised by their wamid. With WhatsApp off, both say so (404).
 */
public final class WhatsAppWebhookRoutes {
  private static final Logger log = LoggerFactory.getLogger(WhatsAppWebhookRoutes.class);

  private final Conversations conversations;
  private final WhatsAppSettings settings;
  private final WhatsAppBodyReader bodies;
  private final WhatsAppParser parser;
  private final Metrics metrics;
  private final MinuteTally refusals =
      new MinuteTally(
          "WhatsApp webhook requests refused before authentication (see"
              + " parley_webhook_refusals_total)",
          log::warn,
          System::nanoTime);

  public WhatsAppWebhookRoutes(
      Conversations conversations, WhatsAppSettings settings, int maxTextChars, Metrics metrics) {
    this.conversations = conversations;
    this.metrics = metrics;
    this.settings = settings;
    UnverifiedBytes unverified = new UnverifiedBytes(settings.maxUnverifiedBytes());
    metrics.unverifiedBytes(unverified::held);
    this.bodies =
        settings.configured()
            ? new WhatsAppBodyReader(
                new WhatsAppSignature(settings.appSecret()),
                unverified,
                settings.maxWebhookBytes(),
                settings.requestTimeout())
            : null;
    this.parser = new WhatsAppParser(maxTextChars);
  }

  public Route route() {
    return path(
        PathMatchers.segment("webhooks").slash("whatsapp"),
        () -> {
          if (!settings.configured()) {
            return complete(
                JsonResponses.error(
                    StatusCodes.NOT_FOUND,
                    "whatsapp-off",
                    "WhatsApp is not configured on this node."));
          }
          return concat(get(this::verifySubscription), post(this::receive));
        });
  }

  private Route verifySubscription() {
    return parameterOptional(
        "hub.mode",
        mode ->
            parameterOptional(
                "hub.verify_token",
                token ->
                    parameterOptional(
                        "hub.challenge",
                        challenge -> {
                          if (mode.filter("subscribe"::equals).isPresent()
                              && challenge.isPresent()
                              && tokenMatches(token)) {
                            log.info("WhatsApp: webhook subscription verified");
                            return complete(
                                HttpResponse.create()
                                    .withStatus(StatusCodes.OK)
                                    .withEntity(ContentTypes.TEXT_PLAIN_UTF8, challenge.get()));
                          }
                          refused("bad-verify-token");
                          return complete(
                              JsonResponses.error(
                                  StatusCodes.FORBIDDEN,
                                  "forbidden",
                                  "The verify token does not match."));
                        })));
  }

  private boolean tokenMatches(Optional<String> token) {
    return token
        .map(
            t ->
                MessageDigest.isEqual(
                    t.getBytes(StandardCharsets.UTF_8),
                    settings.verifyToken().getBytes(StandardCharsets.UTF_8)))
        .orElse(false);
  }

  private Route receive() {
    return optionalHeaderValueByName(
        "X-Hub-Signature-256",
        header ->
            extractMaterializer(
                materializer ->
                    extractRequestEntity(
                        entity ->
                            completeWithFuture(
                                bodies
                                    .read(entity, header.orElse(null), materializer)
                                    .thenComposeAsync(
                                        this::answer, materializer.executionContext())))));
  }

  private CompletionStage<HttpResponse> answer(WhatsAppBodyReader.Outcome outcome) {
    if (outcome instanceof WhatsAppBodyReader.Refused refusal) {
      refused(refusal.reason());
      return CompletableFuture.completedFuture(counted(refusal.response(), "accepted"));
    }
    return receive(((WhatsAppBodyReader.Verified) outcome).body());
  }

  /** Counts a refusal instead of logging each: anyone can send them, as fast as they like. */
  private void refused(String reason) {
    metrics.webhookRefused("wa", reason);
    refusals.add(reason);
  }

  /**
   * An authenticated body. Meta retries every answer but 200 for up to 7 days, so a 400 does not
   * stop it: 400 is kept for a body that is not a JSON object at all (or nested past the cap),
   * which Meta never sends, so that such a bug shows in Meta's delivery errors. Inside a JSON
   * object, whatever cannot be used (nulls, wrong types, a status without a status) is skipped and
   * the rest recorded: a 400 would have Meta deliver the same unusable payload for a week, and
   * refuse the usable parts delivered beside it.
   */
  private CompletionStage<HttpResponse> receive(byte[] body) {
    WhatsAppDelivery delivery;
    try {
      delivery = parser.parse(body);
    } catch (IllegalArgumentException e) {
      return badJson(e.getMessage() + ".");
    } catch (RuntimeException | StackOverflowError e) {
      log.warn("WhatsApp: a signed delivery could not be parsed ({})", e.getClass().getName());
      return badJson("the body could not be read.");
    }
    if (delivery.ignored() > 0) {
      log.debug("WhatsApp: {} items of a delivery skipped as unusable", delivery.ignored());
    }
    for (ReportedError error : delivery.errors()) {
      log.warn(
          "WhatsApp reported error {} in a {}: {}", error.code(), error.where(), error.title());
    }
    return recordAll(delivery.parts())
        .thenApply(
            failed -> {
              if (failed > 0) {
                return JsonResponses.error(
                        StatusCodes.SERVICE_UNAVAILABLE,
                        "not-recorded",
                        "Part of the delivery could not be recorded; please deliver it again.")
                    .addHeader(RetryAfter.create(1L));
              }
              ObjectNode ok = JsonResponses.MAPPER.createObjectNode();
              ok.put("status", "recorded").put("parts", delivery.parts().size());
              return JsonResponses.json(StatusCodes.OK, ok);
            })
        .thenApply(
            response -> counted(response, delivery.parts().isEmpty() ? "ignored" : "accepted"));
  }

  private CompletionStage<HttpResponse> badJson(String message) {
    return CompletableFuture.completedFuture(
        counted(JsonResponses.error(StatusCodes.BAD_REQUEST, "bad-json", message), "accepted"));
  }

  /** Counts the delivery in {@code parley_webhooks_total} and returns the answer unchanged. */
  private HttpResponse counted(HttpResponse response, String whenOk) {
    metrics.webhook("wa", WebhookOutcome.of(response, whenOk));
    return response;
  }

  /**
   * Records every part and completes with how many could not be recorded. Parts of one conversation
   * go one after another in delivery order, and stop at the first failure, so that a redelivery
   * never puts a later message before an earlier one; conversations run in parallel.
   */
  private CompletionStage<Integer> recordAll(List<Part> parts) {
    Map<ConversationKey, List<Part>> byKey = new LinkedHashMap<>();
    parts.forEach(p -> byKey.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p));
    List<CompletableFuture<Integer>> chains = new ArrayList<>();
    for (List<Part> ofKey : byKey.values()) {
      CompletionStage<Integer> chain = CompletableFuture.completedFuture(0);
      for (Part part : ofKey) {
        chain = chain.thenCompose(failed -> failed > 0 ? chain(failed) : record(part));
      }
      chains.add(chain.toCompletableFuture());
    }
    return CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new))
        .thenApply(done -> chains.stream().mapToInt(CompletableFuture::join).sum());
  }

  /** Records one part: 0 when recorded (or already known), 1 when it could not be now. */
  private CompletionStage<Integer> record(Part part) {
    CompletionStage<?> asked;
    if (part instanceof Inbound in) {
      asked = conversations.accept(in.key(), in.message());
    } else if (part instanceof WhatsAppDelivery.ButtonPress press) {
      // Expired or foreign presses count for nothing; the conversation decides. A redelivery
      // of the same press after it was accepted finds nothing pending: harmless.
      asked = conversations.pressButton(press.key(), press.data(), press.userId());
    } else if (part instanceof Refused r) {
      asked = conversations.reject(r.key(), r.messageId(), r.reason(), r.notice(), r.address());
    } else {
      StatusUpdate s = (StatusUpdate) part;
      asked = conversations.deliveryStatus(s.key(), s.wamid(), s.status());
    }
    return asked.handle(
        (ok, error) -> {
          if (error == null) {
            log.debug("{}: recorded {}", part.key(), part.id());
            return 0;
          }
          log.warn(
              "{}: could not record {} now ({}); asking Meta to deliver again",
              part.key(),
              part.id(),
              ApiErrors.code(error).isEmpty()
                  ? error.getClass().getSimpleName()
                  : ApiErrors.code(error));
          return 1;
        });
  }

  private static CompletionStage<Integer> chain(int failed) {
    return CompletableFuture.completedFuture(failed);
  }
}
