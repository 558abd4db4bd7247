package dev.parley.channel.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.channel.InboundJson;
import dev.parley.conversation.InboundMessage;
import java.io.IOException;
import java.util.UUID;

/**
 * Reads the chat API's {@code {"id"?, "text", "sender"?}} into an {@link InboundMessage}. Anything
 * unusable is a {@link BadRequest} naming the field; unknown fields are ignored so that clients may
 * send more. A missing id gets a random one.
 */
public final class ApiMessageParser {
  static final int MAX_ID_CHARS = 200;
  static final int MAX_SENDER_CHARS = 200;
  // The factory caps nesting (InboundJson.MAX_NESTING_DEPTH): deeper is bad JSON, not a deep read.
  private static final ObjectMapper MAPPER =
      new ObjectMapper(InboundJson.factory())
          .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

  private final int maxTextChars;

  public ApiMessageParser(int maxTextChars) {
    this.maxTextChars = maxTextChars;
  }

  public InboundMessage parse(byte[] body) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new BadRequest("bad-json", "The body is not valid JSON.");
    }
    if (root == null || !root.isObject()) {
      throw new BadRequest("bad-json", "The body must be a JSON object.");
    }
    JsonNode text = root.get("text");
    if (text == null || text.isNull()) {
      throw new BadRequest("missing-text", "The field \"text\" is required.");
    }
    if (!text.isTextual()) {
      throw new BadRequest("bad-text", "The field \"text\" must be a string.");
    }
    if (text.asText().isBlank()) {
      throw new BadRequest("missing-text", "The field \"text\" must not be empty.");
    }
    if (text.asText().length() > maxTextChars) {
      throw new BadRequest(
          "text-too-long", "The field \"text\" is longer than " + maxTextChars + " characters.");
    }
    String id = optionalString(root, "id", MAX_ID_CHARS);
    String sender = optionalString(root, "sender", MAX_SENDER_CHARS);
    return new InboundMessage(
        id == null ? UUID.randomUUID().toString() : id, text.asText(), sender);
  }

  private static String optionalString(JsonNode root, String field, int max) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual() || node.asText().isEmpty()) {
      throw new BadRequest(
          "bad-" + field, "The field \"" + field + "\" must be a non-empty string.");
    }
    String value = node.asText();
    if (value.length() > max) {
      throw new BadRequest(
          "bad-" + field, "The field \"" + field + "\" is longer than " + max + " characters.");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new BadRequest(
          "bad-" + field, "The field \"" + field + "\" must not hold control characters.");
    }
    return value;
  }
}
