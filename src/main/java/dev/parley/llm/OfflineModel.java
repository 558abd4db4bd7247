package dev.parley.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.text.Utf16;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic stand-in for a real model, so Parley runs without credentials or network: it asks
 * for {@code current_time} when the user asks for the time, for {@code calculator} after "calc
 * ...", states tool results, and otherwise echoes the user. The same request always gets the same
 * answer, and the stage is complete on return.
 */
public final class OfflineModel implements ModelClient {
  public static final String CURRENT_TIME = "current_time";
  public static final String CALCULATOR = "calculator";

  /** Keeps the echo well under a channel's 4096-character message limit. */
  static final int MAX_ECHO_CHARS = 500;

  private static final Pattern TIME_WORD = Pattern.compile("\\btime\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern ZONE_CANDIDATE = Pattern.compile("[A-Za-z]+/[A-Za-z_]+");
  private static final Pattern CALC_PREFIX =
      Pattern.compile("^(?:calc|calculate)\\s+(.+)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  @Override
  public CompletionStage<ChatResponse> complete(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    if (messages.isEmpty()) {
      return done(echo(""));
    }
    ChatMessage last = messages.get(messages.size() - 1);
    if ("tool".equals(last.role())) {
      return done(new ChatResponse(describeToolResults(messages), List.of(), "stop"));
    }
    String text = last.content() == null ? "" : last.content().strip();
    if (!"user".equals(last.role())) {
      return done(echo(text));
    }
    String callId = "call_" + messages.size();
    Matcher calc = CALC_PREFIX.matcher(text);
    // The explicit "calc" prefix wins over a "time" somewhere in the expression's words.
    if (calc.matches() && offers(request, CALCULATOR)) {
      return done(toolCall(callId, CALCULATOR, Map.of("expression", calc.group(1).strip())));
    }
    if (TIME_WORD.matcher(text).find() && offers(request, CURRENT_TIME)) {
      return done(toolCall(callId, CURRENT_TIME, Map.of("timezone", timeZoneIn(text))));
    }
    return done(echo(text));
  }

  private static CompletionStage<ChatResponse> done(ChatResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  private static boolean offers(ChatRequest request, String toolName) {
    return request.tools().stream().anyMatch(t -> toolName.equals(t.name()));
  }

  private static ChatResponse echo(String text) {
    return new ChatResponse(
        "Offline model here (no LLM configured). You said: " + cut(text), List.of(), "stop");
  }

  private static ChatResponse toolCall(String id, String name, Map<String, String> arguments) {
    try {
      String json = OpenAiWire.MAPPER.writeValueAsString(arguments);
      return new ChatResponse(null, List.of(new ToolCall(id, name, json)), "tool_calls");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings is always writable", e);
    }
  }

  /**
   * The first "Area/City" in the text that names a known zone (matched without regard to case,
   * answered in its canonical spelling), else UTC. Checking against the zone list keeps words like
   * "and/or" out of the tool call.
   */
  static String timeZoneIn(String text) {
    Matcher m = ZONE_CANDIDATE.matcher(text);
    while (m.find()) {
      String candidate = m.group();
      for (String zone : ZoneId.getAvailableZoneIds()) {
        if (zone.equalsIgnoreCase(candidate)) {
          return zone;
        }
      }
    }
    return "UTC";
  }

  /** One sentence per trailing tool result, in the order the calls were made. */
  private static String describeToolResults(List<ChatMessage> messages) {
    int first = messages.size();
    while (first > 0 && "tool".equals(messages.get(first - 1).role())) {
      first--;
    }
    List<String> sentences = new ArrayList<>();
    for (ChatMessage result : messages.subList(first, messages.size())) {
      Optional<ToolCall> call = callFor(messages.subList(0, first), result.toolCallId());
      String name = result.name() != null ? result.name() : call.map(ToolCall::name).orElse("?");
      sentences.add(describe(name, call, result.content() == null ? "" : result.content()));
    }
    return String.join(" ", sentences);
  }

  private static String describe(String toolName, Optional<ToolCall> call, String result) {
    return switch (toolName) {
      case CURRENT_TIME -> "The current time is " + result + ". (offline model)";
      case CALCULATOR ->
          call.map(c -> argument(c, "expression")).orElse("?")
              + " = "
              + result
              + " (offline model)";
      default -> "Tool " + toolName + " returned: " + result;
    };
  }

  /** The assistant message before the results holds the calls they answer. */
  private static Optional<ToolCall> callFor(List<ChatMessage> before, String toolCallId) {
    for (int i = before.size() - 1; i >= 0; i--) {
      for (ToolCall call : before.get(i).toolCalls()) {
        if (call.id() != null && call.id().equals(toolCallId)) {
          return Optional.of(call);
        }
      }
    }
    return Optional.empty();
  }

  private static String argument(ToolCall call, String field) {
    try {
      JsonNode value = OpenAiWire.MAPPER.readTree(call.arguments()).path(field);
      return value.isValueNode() ? value.asText() : "?";
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return "?";
    }
  }

  private static String cut(String text) {
    if (text.length() <= MAX_ECHO_CHARS) {
      return text;
    }
    // Never split a surrogate pair: half an emoji is not valid text for a channel.
    return Utf16.cut(text, MAX_ECHO_CHARS);
  }
}
