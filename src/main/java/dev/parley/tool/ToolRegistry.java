package dev.parley.tool;

import dev.parley.llm.ToolCall;
import dev.parley.llm.ToolSpec;
import dev.parley.text.Utf16;
import dev.parley.tool.http.HttpTool;
import dev.parley.tool.http.HttpToolSettings;
import dev.parley.tool.mcp.McpServers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tools one node offers the model, by unique name, and the one way to run them. {@link #invoke}
 * always ends in a result text for the model, never in an exception: unknown tools, bad arguments,
 * failures and timeouts become {@code error: ...} texts, and every result is cut to the configured
 * budget, so a turn never stalls or blows its prompt because of a tool.
 */
public final class ToolRegistry {
  private static final Logger log = LoggerFactory.getLogger(ToolRegistry.class);

  // Failure messages are for the model, not for debugging: a stack-trace-sized message would
  // only crowd the prompt.
  static final int MAX_ERROR_MESSAGE_CHARS = 300;

  private final ToolCatalog fixed;
  private final Supplier<List<Tool>> changing;
  // The fixed tools plus the changing ones last seen, shared with the observedBy copies; rebuilt
  // when the supplier hands out another list (compared by identity, so unchanged lists cost
  // nothing). Two threads may rebuild at once: both build the same thing, either one wins.
  private final AtomicReference<ToolCatalog> current;
  private final ToolSettings settings;
  private final ToolCallListener listener;
  private final Supplier<Map<String, Boolean>> servers;

  /**
   * @throws IllegalArgumentException when two tools share a name, a name is not a valid function
   *     name, or a schema is not a JSON object text or no JSON Schema the validator can use
   */
  public ToolRegistry(List<Tool> tools, ToolSettings settings) {
    this(tools, settings, List::of);
  }

  /**
   * {@code tools}, plus the tools {@code changing} supplies at each use: a list that may change at
   * run time (an MCP server's), replaced as a whole and never modified in place. Those are checked
   * like the others, but one that is unusable or takes a taken name is left out with a WARN line
   * instead of failing.
   *
   * @throws IllegalArgumentException as {@link #ToolRegistry(List, ToolSettings)}
   */
  public ToolRegistry(List<Tool> tools, ToolSettings settings, Supplier<List<Tool>> changing) {
    this.settings = settings;
    this.fixed = ToolCatalog.of(tools);
    this.changing = Objects.requireNonNull(changing, "changing");
    this.current = new AtomicReference<>(fixed);
    this.listener = ToolCallListener.NONE;
    this.servers = Map::of;
  }

  private ToolRegistry(
      ToolRegistry tools, ToolCallListener listener, Supplier<Map<String, Boolean>> servers) {
    this.fixed = tools.fixed;
    this.changing = tools.changing;
    this.current = tools.current;
    this.settings = tools.settings;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.servers = servers;
  }

  /**
   * Whether each tool server (MCP server) is up now, by its configured name, in name order; empty
   * when none is configured. Answers at once from what the clients know.
   */
  public Map<String, Boolean> toolServers() {
    return servers.get();
  }

  /** The tools as they are now: the fixed ones and the changing ones of this moment. */
  private ToolCatalog catalog() {
    List<Tool> now = changing.get();
    ToolCatalog seen = current.get();
    if (seen.changing == now || (now.isEmpty() && seen == fixed)) {
      return seen;
    }
    ToolCatalog next = fixed.with(now);
    current.set(next);
    return next;
  }

  /** The same tools, with {@code listener} told how each call ended. */
  public ToolRegistry observedBy(ToolCallListener listener) {
    return new ToolRegistry(this, listener, servers);
  }

  /**
   * A registry of the built-in tools: {@code current_time}, {@code calculator}, the memory's {@code
   * remember}, {@code recall} and {@code forget}, and {@code clear_history}.
   */
  public static ToolRegistry builtIn(ToolSettings settings, Clock clock) {
    return new ToolRegistry(builtInTools(clock), settings);
  }

  /**
   * The node's tools: the built-in ones, the HTTP tools of {@code settings}, then the plug-in tools
   * on the application's classpath ({@link PluginTools}), then the tools of the MCP servers of
   * {@code settings} ({@link McpServers}, started here and closed when {@code system} shuts down):
   * those change at run time, as servers come and go and change their lists.
   *
   * @throws IllegalArgumentException when a configured tool is unusable (see the constructor), or a
   *     plug-in cannot be loaded, is unusable, or takes a name another tool has
   */
  public static ToolRegistry configured(ActorSystem<?> system, ToolSettings settings, Clock clock) {
    return configured(system, settings, clock, ToolRegistry.class.getClassLoader());
  }

  /** {@link #configured(ActorSystem, ToolSettings, Clock)} with the plug-ins of {@code plugins}. */
  static ToolRegistry configured(
      ActorSystem<?> system, ToolSettings settings, Clock clock, ClassLoader plugins) {
    List<Tool> all = new ArrayList<>(builtInTools(clock));
    for (HttpToolSettings http : settings.httpTools()) {
      all.add(new HttpTool(http, system));
    }
    List<Tool> pluginTools = PluginTools.load(plugins);
    Map<String, String> takenBy = new LinkedHashMap<>();
    all.forEach(tool -> takenBy.putIfAbsent(tool.name(), "the tool " + tool.getClass().getName()));
    for (Tool plugin : pluginTools) {
      String other =
          takenBy.putIfAbsent(plugin.name(), "the plug-in tool " + PluginTools.origin(plugin));
      if (other != null) {
        throw new IllegalArgumentException(
            "plug-in tool "
                + PluginTools.origin(plugin)
                + " is named \""
                + plugin.name()
                + "\" like "
                + other);
      }
    }
    pluginTools.forEach(plugin -> all.add(PluginTools.labelled(plugin)));
    if (settings.mcpServers().isEmpty()) {
      return new ToolRegistry(all, settings);
    }
    McpServers mcp = McpServers.start(settings.mcpServers());
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "parley-mcp-servers",
            () -> mcp.close().thenApply(closed -> Done.getInstance()));
    try {
      ToolRegistry tools = new ToolRegistry(all, settings, mcp::tools);
      return new ToolRegistry(tools, tools.listener, mcp::status);
    } catch (IllegalArgumentException e) {
      mcp.close();
      throw e;
    }
  }

  private static List<Tool> builtInTools(Clock clock) {
    List<Tool> all = new ArrayList<>(List.of(new CurrentTimeTool(clock), new CalculatorTool()));
    all.addAll(MemoryTools.all());
    all.add(new ClearHistoryTool());
    return all;
  }

  /** How much a conversation's memory holds: the turn runner's {@link TurnChanges} keep to it. */
  public MemoryLimits memoryLimits() {
    return settings.memory();
  }

  /** The tools as the model sees them, in registration order. */
  public List<ToolSpec> specs() {
    return catalog().specs;
  }

  /**
   * The tools offered in a conversation of {@code channel} (the channel part of its key: {@code
   * api}, {@code tg}, {@code wa}): those whose {@code channels} policy, if any, names it.
   */
  public List<ToolSpec> specs(String channel) {
    return offered(catalog(), channel);
  }

  private List<ToolSpec> offered(ToolCatalog catalog, String channel) {
    if (channel == null) {
      return catalog.specs;
    }
    return catalog.specsByChannel.computeIfAbsent(
        channel,
        c ->
            catalog.specs.stream()
                .filter(spec -> settings.policies().offeredIn(spec.name(), c))
                .toList());
  }

  /** The channel part of a conversation key ({@code user:api:alice} → {@code api}), or null. */
  static String channelOf(String conversationKey) {
    String[] parts = conversationKey == null ? new String[0] : conversationKey.split(":", 3);
    return parts.length == 3 ? parts[1] : null;
  }

  /**
   * Runs {@code call} and completes with its result text, or with an {@code error: ...} text; the
   * stage never completes exceptionally. Passing a null {@code call} or {@code context} is a
   * caller's bug and throws at once, the only way this method throws.
   */
  public CompletionStage<String> invoke(ToolCall call, ToolContext context) {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(context, "context");
    ToolCatalog catalog = catalog();
    String channel = channelOf(context.conversationKey());
    Tool named = call.name() == null ? null : catalog.tools.get(call.name());
    // A tool not offered in this channel is answered as if it did not exist.
    Tool tool =
        named != null && channel != null && !settings.policies().offeredIn(named.name(), channel)
            ? null
            : named;
    if (tool == null) {
      listener.called(
          ToolCallListener.UNKNOWN, ToolCallListener.UNKNOWN, "unknown-tool", Optional.empty());
      return CompletableFuture.completedFuture(
          bounded(
              "error: unknown tool \""
                  + call.name()
                  + "\"; available: "
                  + String.join(
                      ", ", offered(catalog, channel).stream().map(ToolSpec::name).toList())));
    }
    ToolArguments arguments;
    try {
      arguments = ToolArguments.parse(call.arguments());
    } catch (IllegalArgumentException e) {
      refused(tool);
      return CompletableFuture.completedFuture("error: " + ToolArguments.NOT_AN_OBJECT);
    }
    var violations = catalog.schemas.get(tool.name()).violations(arguments.json());
    if (violations.isPresent()) {
      refused(tool);
      return CompletableFuture.completedFuture(
          bounded(tool, "error: invalid arguments: " + violations.get()));
    }
    CompletionStage<String> stage;
    // Monotonic, so a wall-clock step (NTP) never shows up as a slow or negative call.
    long started = System.nanoTime();
    try {
      stage = tool.call(call.arguments(), context);
    } catch (Exception e) {
      // A tool must fail through its stage; throwing is a bug in the tool, hence WARN.
      log.warn(
          "tool {} threw in {} (call {})", tool.name(), context.conversationKey(), call.id(), e);
      ended(tool, "error", started);
      return CompletableFuture.completedFuture(bounded(tool, failed(tool, e)));
    }
    if (stage == null) {
      ended(tool, "error", started);
      return CompletableFuture.completedFuture(
          bounded(tool, "error: " + tool.name() + " failed: it returned no result"));
    }
    return withTimeout(stage, timeoutOf(tool))
        .thenApply(outcome -> bounded(tool, render(tool, call, context, outcome, started)));
  }

  /** Tells the listener of a call refused before the tool ran: there is no duration to tell. */
  private void refused(Tool tool) {
    listener.called(tool.name(), sourceOf(tool), "bad-arguments", Optional.empty());
  }

  /** Tells the listener of a call that ran, timed from {@code started} (a nanoTime) to now. */
  private void ended(Tool tool, String outcome, long started) {
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    listener.called(tool.name(), sourceOf(tool), outcome, Optional.of(took));
  }

  /** A tool that names no source (a plug-in's bug) must not fail the call over a label. */
  private static String sourceOf(Tool tool) {
    ToolSource source = tool.source();
    return source == null ? ToolCallListener.UNKNOWN : source.label();
  }

  /**
   * Mirrors the tool's stage into a fresh future and puts the timeout on that copy, without
   * blocking a thread: the tool's own future is left alone (it may be shared or cached), and a
   * result that arrives late is simply ignored.
   */
  private CompletableFuture<Outcome> withTimeout(CompletionStage<String> stage, Duration timeout) {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    stage.whenComplete(
        (result, error) ->
            outcome.complete(error == null ? new Returned(result) : new Failed(error)));
    return outcome.completeOnTimeout(TimedOut.INSTANCE, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The policy's timeout for the tool, else the tool's own, else call-timeout. */
  private Duration timeoutOf(Tool tool) {
    return settings
        .policies()
        .timeout(tool.name())
        .or(tool::timeout)
        .orElse(settings.callTimeout());
  }

  private String render(
      Tool tool, ToolCall call, ToolContext context, Outcome outcome, long started) {
    ended(tool, outcomeLabel(outcome), started);
    if (outcome instanceof Returned returned) {
      return returned.text() == null
          ? "error: " + tool.name() + " failed: it returned no result"
          : returned.text();
    }
    if (outcome instanceof Failed failed) {
      log.debug(
          "tool {} failed in {} (call {}): {}",
          tool.name(),
          context.conversationKey(),
          call.id(),
          failed.error().toString());
      return failed(tool, failed.error());
    }
    // A slow tool is something an operator can act on (a dependency is down or slow).
    log.warn(
        "tool {} timed out after {} in {} (call {})",
        tool.name(),
        timeoutOf(tool),
        context.conversationKey(),
        call.id());
    return "error: " + tool.name() + " timed out after " + timeoutOf(tool).toMillis() + " ms";
  }

  private static String outcomeLabel(Outcome outcome) {
    if (outcome instanceof Returned returned) {
      return returned.text() == null ? "error" : "ok";
    }
    return outcome instanceof Failed ? "error" : "timeout";
  }

  private static String failed(Tool tool, Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    if (message == null || message.isBlank()) {
      message = cause.getClass().getSimpleName();
    }
    message = Utf16.cut(message, MAX_ERROR_MESSAGE_CHARS, "…");
    return "error: " + tool.name() + " failed: " + message;
  }

  /**
   * Cuts {@code text} to the result budget and says so, so the model knows it saw only part. The
   * cut never splits a surrogate pair.
   */
  String bounded(String text) {
    return cut(text, settings.maxResultChars());
  }

  /** {@link #bounded(String)} with the tool's own budget when a policy sets one. */
  private String bounded(Tool tool, String text) {
    return cut(
        text, settings.policies().maxResultChars(tool.name()).orElse(settings.maxResultChars()));
  }

  private static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int keep = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, keep) + cutNote(keep, text.length());
  }

  static String cutNote(int kept, int total) {
    return "… [cut: " + kept + " of " + total + " characters]";
  }

  /** How a tool call ended, before it is turned into text. */
  private sealed interface Outcome permits Returned, Failed, TimedOut {}

  private record Returned(String text) implements Outcome {}

  private record Failed(Throwable error) implements Outcome {}

  private enum TimedOut implements Outcome {
    INSTANCE
  }
}
