package dev.parley.llm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.text.Utf16;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The OpenAI chat-completions wire format: builds request bodies from {@link ChatRequest}s and
 * reads {@link ChatResponse}s out of answers. Jackson tree nodes keep this tolerant of the many
 * OpenAI-compatible servers that add, omit or reshape fields.
 */
final class OpenAiWire {
  /**
   * Ignores unknown fields: servers add fields freely and that must never fail a turn. Refuses
   * nesting deeper than 64 (an answer nests under ten levels), so a broken or hostile server's
   * answer is an unreadable one rather than a deep recursion.
   */
  static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(64).build())
                  .build())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private static final int MAX_CACHED_TOOLS = 1024;
  private static final Map<ToolSpec, ObjectNode> TOOLS = new ConcurrentHashMap<>();

  /** OpenAI rejects the whole request when a message name does not match this. */
  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

  private OpenAiWire() {}

  /**
   * The JSON body for {@code POST /chat/completions}.
   *
   * @throws IllegalArgumentException when a tool's parameter schema is not a JSON object
   */
  static byte[] requestBody(String model, ChatRequest request) {
    return requestBody(model, Sampling.NONE, request);
  }

  /** The request, with {@code temperature} and {@code max_tokens} only where they are set. */
  static byte[] requestBody(String model, Sampling sampling, ChatRequest request) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("model", model);
    sampling.temperature().ifPresent(t -> body.put("temperature", t));
    sampling.maxTokens().ifPresent(n -> body.put("max_tokens", n));
    ArrayNode messages = body.putArray("messages");
    request.messages().forEach(m -> messages.add(message(m)));
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      request.tools().forEach(t -> tools.add(tool(t)));
    }
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a tree of plain nodes", e);
    }
  }

  private static ObjectNode message(ChatMessage m) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("role", m.role());
    switch (m.role()) {
      case "assistant" -> {
        // OpenAI allows a null content only next to tool calls.
        if (m.content() == null && !m.toolCalls().isEmpty()) {
          node.putNull("content");
        } else {
          node.put("content", nullToEmpty(m.content()));
        }
        if (!m.toolCalls().isEmpty()) {
          ArrayNode calls = node.putArray("tool_calls");
          m.toolCalls().forEach(c -> calls.add(toolCall(c)));
        }
      }
      case "tool" -> {
        node.put("tool_call_id", m.toolCallId());
        node.put("content", nullToEmpty(m.content()));
      }
      default -> {
        node.put("content", nullToEmpty(m.content()));
        if (m.name() != null && NAME.matcher(m.name()).matches()) {
          node.put("name", m.name());
        }
      }
    }
    return node;
  }

  private static ObjectNode toolCall(ToolCall call) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", call.id());
    node.put("type", "function");
    ObjectNode function = node.putObject("function");
    function.put("name", call.name());
    function.put("arguments", call.arguments() == null ? "{}" : call.arguments());
    return node;
  }

  /**
   * A tool's part of the request, built once per tool: every model call sends every tool, and
   * parsing each schema again was visible in the profile. The nodes are only ever serialized.
   */
  private static ObjectNode tool(ToolSpec spec) {
    if (TOOLS.size() > MAX_CACHED_TOOLS) {
      TOOLS.clear(); // tools changed many times over (a plug-in's list): start afresh
    }
    return TOOLS.computeIfAbsent(spec, OpenAiWire::toolNode);
  }

  private static ObjectNode toolNode(ToolSpec spec) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("type", "function");
    ObjectNode function = node.putObject("function");
    function.put("name", spec.name());
    function.put("description", nullToEmpty(spec.description()));
    function.set("parameters", schema(spec));
    return node;
  }

  /** The schema goes in as JSON, not as a string: servers reject a quoted schema. */
  private static JsonNode schema(ToolSpec spec) {
    String text = spec.parametersSchema();
    if (text == null || text.isBlank()) {
      return MAPPER
          .createObjectNode()
          .put("type", "object")
          .set("properties", MAPPER.createObjectNode());
    }
    try {
      JsonNode schema = MAPPER.readTree(text);
      if (schema == null || !schema.isObject()) {
        throw new IllegalArgumentException(
            "tool " + spec.name() + " has a schema that is not a JSON object");
      }
      return schema;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "tool " + spec.name() + " has a schema that is not JSON", e);
    }
  }

  /**
   * Reads the first choice of an answer.
   *
   * @throws ModelException with code {@code unreadable} when the body is not JSON or has no choice
   *     with a message
   */
  static ChatResponse parseResponse(byte[] body) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw unreadable("the model server's answer is not JSON");
    }
    JsonNode choice = root == null ? null : root.path("choices").path(0);
    if (choice == null || !choice.path("message").isObject()) {
      throw unreadable("the model server's answer has no choices[0].message");
    }
    JsonNode message = choice.path("message");
    List<ToolCall> calls = new ArrayList<>();
    JsonNode wireCalls = message.path("tool_calls");
    for (int i = 0; i < wireCalls.size(); i++) {
      calls.add(toolCallOf(wireCalls.path(i), i));
    }
    return new ChatResponse(
            textOrNull(message.path("content")), calls, textOrNull(choice.path("finish_reason")))
        .withUsage(usageOf(root.path("usage")));
  }

  /** {@code usage} as OpenAI-compatible servers give it; null when absent or not counts. */
  private static Usage usageOf(JsonNode usage) {
    JsonNode prompt = usage.path("prompt_tokens");
    JsonNode completion = usage.path("completion_tokens");
    if (!prompt.canConvertToLong()
        || !completion.canConvertToLong()
        || !prompt.isIntegralNumber()
        || !completion.isIntegralNumber()
        || prompt.longValue() < 0
        || completion.longValue() < 0) {
      return null;
    }
    return new Usage(prompt.longValue(), completion.longValue());
  }

  private static ToolCall toolCallOf(JsonNode node, int index) {
    JsonNode function = node.path("function");
    JsonNode arguments = function.path("arguments");
    // Some compatible servers send the arguments as an object instead of a JSON string.
    String argumentsText =
        arguments.isTextual()
            ? arguments.asText()
            : arguments.isMissingNode() || arguments.isNull() ? "{}" : arguments.toString();
    // The id pairs a tool result with its call; a server that sends none still gets unique ones.
    String id = node.hasNonNull("id") ? node.get("id").asText() : "call_" + index;
    return new ToolCall(id, function.path("name").asText(""), argumentsText);
  }

  /**
   * The error text a 4xx answer carries: {@code error.message} when the body is OpenAI's error
   * JSON, else the body itself; at most {@code maxChars} characters, cut between code points.
   */
  static String errorMessage(byte[] body, int maxChars) {
    String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    try {
      JsonNode message = MAPPER.readTree(body).path("error").path("message");
      if (message.isTextual()) {
        text = message.asText();
      }
    } catch (IOException | RuntimeException e) {
      // Not JSON: the raw body is the best description there is.
    }
    text = text.strip().replaceAll("\\s+", " ");
    return Utf16.cut(text, maxChars, "…");
  }

  private static String textOrNull(JsonNode node) {
    return node.isTextual() ? node.asText() : null;
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }

  private static ModelException unreadable(String message) {
    return new ModelException("unreadable", message, true);
  }
}
