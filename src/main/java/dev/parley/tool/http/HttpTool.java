package dev.parley.tool.http;

import dev.parley.async.Stages;
import dev.parley.text.Utf16;
import dev.parley.tool.Tool;
import dev.parley.tool.ToolContext;
import dev.parley.tool.ToolSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.util.ByteString;

/**
 * A tool that is one configured HTTP endpoint ({@code parley.tool.http.<name>}). The call sends the
 * arguments, already checked against the schema, as the JSON body to the configured URL and no
 * other, with {@code Idempotency-Key: <conversation>/<turn>/<round>/<position>} (the same on a redo
 * of the same call) and {@code X-Parley-Conversation}. A 2xx answer's body is the result; any other
 * status, an answer over max-response-bytes or an unreachable endpoint fails the call with a reason
 * the model reads. The configured header values are never logged nor put in a result.
 */
public final class HttpTool implements Tool {
  // How much of a refusing endpoint's body the model sees: enough for its error message.
  static final int MAX_ERROR_BODY_CHARS = 200;

  private final HttpToolSettings settings;
  private final ActorSystem<?> system;
  private final Http http;
  private final ConnectionPoolSettings pool;
  private final List<HttpHeader> fixedHeaders;

  public HttpTool(HttpToolSettings settings, ActorSystem<?> system) {
    this.settings = settings;
    this.system = system;
    this.http = Http.get(system);
    // The model decides what to do with a failure: no retry in the pool. A connection idle for
    // the tool's timeout (an endpoint that never answers) is closed, so it frees its slot once
    // the registry has given the call up.
    ConnectionPoolSettings defaults = ConnectionPoolSettings.create(system.classicSystem());
    this.pool =
        defaults
            .withMaxRetries(0)
            .withMaxConnections(settings.maxConnections())
            .withMaxOpenRequests(openRequests(settings.maxConnections()))
            .withConnectionSettings(
                defaults.getConnectionSettings().withIdleTimeout(settings.timeout()));
    List<HttpHeader> headers = new ArrayList<>();
    settings.headers().forEach((name, value) -> headers.add(RawHeader.create(name, value)));
    this.fixedHeaders = List.copyOf(headers);
  }

  /** Room for calls waiting for a connection: a power of two, as the pool requires. */
  private static int openRequests(int connections) {
    return Integer.highestOneBit(Math.max(connections * 4, 32) - 1) << 1;
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public String description() {
    return settings.description();
  }

  @Override
  public ToolSource source() {
    return ToolSource.HTTP;
  }

  @Override
  public String parametersSchema() {
    return settings.parametersSchema();
  }

  @Override
  public Optional<Duration> timeout() {
    return Optional.of(settings.timeout());
  }

  @Override
  public CompletionStage<String> call(String argumentsJson, ToolContext context) {
    String body = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
    List<HttpHeader> headers = new ArrayList<>(fixedHeaders);
    headers.add(RawHeader.create("Idempotency-Key", context.idempotencyKey()));
    headers.add(RawHeader.create("X-Parley-Conversation", context.conversationKey()));
    HttpRequest request =
        HttpRequest.create(settings.url().toString())
            .withMethod(HttpMethods.lookup(settings.method()).orElseThrow())
            .withEntity(ContentTypes.APPLICATION_JSON, body)
            .addHeaders(headers);
    return Stages.on(
            system.executionContext(),
            http.singleRequest(
                request, http.defaultClientHttpsContext(), pool, system.classicSystem().log()))
        .handle(
            (response, error) -> {
              if (error != null) {
                throw new CompletionException(
                    new ToolFailure(
                        "could not reach "
                            + settings.url().getHost()
                            + " ("
                            + cause(error).getClass().getSimpleName()
                            + ")"));
              }
              return response;
            })
        .thenCompose(this::read);
  }

  private CompletionStage<String> read(HttpResponse response) {
    int status = response.status().intValue();
    var declared = response.entity().getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > settings.maxResponseBytes()) {
      response.discardEntityBytes(system);
      return CompletableFuture.failedFuture(tooLarge());
    }
    // Read by our own fold rather than toStrict: a chunked answer over the limit then fails
    // the same way as one whose Content-Length says so.
    long max = settings.maxResponseBytes();
    return Stages.on(
            system.executionContext(),
            response
                .entity()
                .withoutSizeLimit()
                .getDataBytes()
                .completionTimeout(settings.timeout())
                .runFold(
                    ByteString.emptyByteString(),
                    (ByteString so, ByteString chunk) -> {
                      if (so.size() + (long) chunk.size() > max) {
                        throw tooLarge();
                      }
                      return so.concat(chunk);
                    },
                    system))
        .handle(
            (bytes, error) -> {
              if (error != null) {
                Throwable cause = cause(error);
                throw new CompletionException(
                    cause instanceof ToolFailure
                        ? cause
                        : new ToolFailure(
                            "the answer could not be read ("
                                + cause.getClass().getSimpleName()
                                + ")"));
              }
              String text = bytes.utf8String();
              if (status < 200 || status > 299) {
                throw new CompletionException(new ToolFailure(refusal(response, text)));
              }
              return text;
            });
  }

  private static String refusal(HttpResponse response, String body) {
    String status = "HTTP " + response.status().intValue() + " " + response.status().reason();
    String shown = body.strip();
    if (shown.isEmpty()) {
      return status;
    }
    return status + ": " + Utf16.cut(shown, MAX_ERROR_BODY_CHARS, "…");
  }

  private ToolFailure tooLarge() {
    return new ToolFailure("the answer is larger than " + settings.maxResponseBytes() + " bytes");
  }

  private static Throwable cause(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** A failure whose message is the reason the model reads; no stack trace, it is no bug. */
  static final class ToolFailure extends RuntimeException {
    ToolFailure(String message) {
      super(message, null, false, false);
    }
  }
}
