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
import java.util.function.Function;
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
 * checks the signature over the raw bytes before anything is parsed (401 otherwise, nothing
 * recorded), then records every part of the delivery and answers 200 only once all are recorded. If
 * any part could not be, the answer is 503 so that Meta delivers it again: parts already recorded
 * are recognised by their wamid. With WhatsApp off, both say so (404).
 */
public final class WhatsAppWebhookRoutes {
  private static final Logger log = LoggerFactory.getLogger(WhatsAppWebhookRoutes.class);

  private final Conversations conversations;
  private final WhatsAppSettings settings;
  private final WhatsAppSignature signature;
  private final WhatsAppParser parser;
  private final Metrics metrics;

  public WhatsAppWebhookRoutes(
      Conversations conversations, WhatsAppSettings settings, int maxTextChars, Metrics metrics) {
    this.conversations = conversations;
    this.metrics = metrics;
    this.settings = settings;
    this.signature = settings.configured() ? new WhatsAppSignature(settings.appSecret()) : null;
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
                          log.warn("WhatsApp: webhook verification refused (wrong mode or token)");
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
                                entity
                                    .toStrict(
                                        settings.requestTimeout().toMillis(),
                                        settings.maxWebhookBytes(),
                                        materializer)
                                    .handle(
                                        (strict, error) ->
                                            error != null
                                                ? CompletableFuture.completedFuture(
                                                    counted(
                                                        ApiErrors.bodyError(
                                                            error, settings.maxWebhookBytes()),
                                                        "accepted"))
                                                : receive(
                                                    strict.getData().toArray(),
                                                    header.orElse(null)))
                                    .thenCompose(Function.identity())))));
  }

  private CompletionStage<HttpResponse> receive(byte[] body, String header) {
    if (!signature.verify(body, header)) {
      log.warn("WhatsApp: delivery refused: missing or wrong X-Hub-Signature-256");
      return CompletableFuture.completedFuture(
          counted(
              JsonResponses.error(
                  StatusCodes.UNAUTHORIZED,
                  "bad-signature",
                  "X-Hub-Signature-256 is missing or does not match the body."),
              "accepted"));
    }
    WhatsAppDelivery delivery;
    try {
      delivery = parser.parse(body);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          counted(
              JsonResponses.error(StatusCodes.BAD_REQUEST, "bad-json", e.getMessage() + "."),
              "accepted"));
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
