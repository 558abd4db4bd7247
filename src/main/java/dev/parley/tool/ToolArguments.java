package dev.parley.tool;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The arguments of one tool call, checked to be a JSON object. Lives beside the registry and the
 * built-in tools, its only users; the messages it throws go back to the model verbatim.
 */
final class ToolArguments {
  // Configured once and never changed afterwards, so sharing it between threads is safe.
  // Trailing tokens are rejected so that `{} junk` does not pass for an object. Nesting is
  // capped like every other JSON Parley reads from outside (64 levels): the model writes these.
  private static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(64).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static final String NOT_AN_OBJECT = "arguments must be a JSON object";

  private final JsonNode json;

  private ToolArguments(JsonNode json) {
    this.json = json;
  }

  /**
   * Parses {@code text}; a blank or null text counts as {@code {}}, because models commonly send an
   * empty string for a tool whose arguments are all optional.
   *
   * @throws IllegalArgumentException when the text is not a JSON object
   */
  static ToolArguments parse(String text) {
    if (text == null || text.isBlank()) {
      return new ToolArguments(MAPPER.createObjectNode());
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(NOT_AN_OBJECT);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(NOT_AN_OBJECT);
    }
    return new ToolArguments(node);
  }

  /** The arguments as parsed. */
  JsonNode json() {
    return json;
  }

  /** The string argument {@code name}, or {@code fallback} when it is absent, null or blank. */
  String optionalString(String name, String fallback) {
    JsonNode value = json.get(name);
    if (value == null || value.isNull()) {
      return fallback;
    }
    String text = string(name, value);
    return text.isBlank() ? fallback : text;
  }

  /** The string argument {@code name}, which must be present. */
  String requiredString(String name) {
    JsonNode value = json.get(name);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing required argument \"" + name + "\"");
    }
    return string(name, value);
  }

  private static String string(String name, JsonNode value) {
    if (!value.isTextual()) {
      throw new IllegalArgumentException("argument \"" + name + "\" must be a string");
    }
    return value.textValue();
  }

  /** Parses a schema text, for checks at construction time; null when it is not an object. */
  static JsonNode schemaObject(String schema) {
    try {
      JsonNode node = schema == null ? null : MAPPER.readTree(schema);
      return node != null && node.isObject() ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
