package dev.parley.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.async.Stages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * What {@code /ready} reports next to its verdict: one JSON object per registered part (database,
 * telegram, whatsapp, and mcpServers when MCP servers are configured). Informational only: nothing
 * here is a readiness check, so a part that is down never makes a node unready (the database is
 * shared by every pod; a Service without ready pods could not even answer the channels with the
 * {@code Retry-After} they need). Parts must answer quickly from what they already know, hold no
 * secret, and a part that fails shows as {@code {"error": "<class>"}} instead of failing the whole
 * answer.
 */
public final class ReadinessDetail implements Extension {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Id ID = new Id();

  private final Map<String, Supplier<CompletionStage<? extends JsonNode>>> parts =
      new LinkedHashMap<>();

  /** Where the parts' answers are continued: the stages Pekko returns would start a thread. */
  private final Executor executor;

  private ReadinessDetail(Executor executor) {
    this.executor = executor;
  }

  public static ReadinessDetail get(ClassicActorSystemProvider system) {
    return ID.get(system.classicSystem());
  }

  /** Adds (or replaces) the part {@code name}; parts are shown in registration order. */
  public synchronized void register(
      String name, Supplier<CompletionStage<? extends JsonNode>> part) {
    parts.put(name, part);
  }

  /** Every part's current detail, as one object keyed by part name. */
  public CompletionStage<ObjectNode> snapshot() {
    List<Map.Entry<String, Supplier<CompletionStage<? extends JsonNode>>>> current;
    synchronized (this) {
      current = new ArrayList<>(parts.entrySet());
    }
    List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
    for (var part : current) {
      answers.add(ask(part.getValue()));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              ObjectNode detail = MAPPER.createObjectNode();
              for (int i = 0; i < current.size(); i++) {
                detail.set(current.get(i).getKey(), answers.get(i).join());
              }
              return detail;
            });
  }

  private CompletableFuture<JsonNode> ask(Supplier<CompletionStage<? extends JsonNode>> p) {
    CompletionStage<? extends JsonNode> answer;
    try {
      answer = p.get();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(failed(e));
    }
    return Stages.on(executor, answer)
        .<JsonNode>thenApply(node -> node)
        .exceptionally(ReadinessDetail::failed);
  }

  private static JsonNode failed(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    return MAPPER.createObjectNode().put("error", cause.getClass().getSimpleName());
  }

  private static final class Id extends AbstractExtensionId<ReadinessDetail>
      implements ExtensionIdProvider {
    @Override
    public ReadinessDetail createExtension(ExtendedActorSystem system) {
      return new ReadinessDetail(system.dispatcher());
    }

    @Override
    public Id lookup() {
      return ID;
    }
  }
}
