package dev.parley.channel.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.channel.InboundJson;
import dev.parley.conversation.InboundMessage;
import dev.parley.text.Utf16;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Reads the chat API's {@code {"id"?, "text", "sender"?}} into an {@link InboundMessage}. Anything
 * unusable is a {@link BadRequest} naming the field; unknown fields are ignored so that clients may
 * send more. A missing id gets a random one. Text must be valid Unicode: a body that is not UTF-8,
 * or a string holding a lone surrogate ({@code "\ud83d"}), is refused with a 400 rather than
 * repaired, since the client can send it right.
 */
public final class ApiMessageParser {
  static final int MAX_ID_CHARS = 200;
  static final int MAX_SENDER_CHARS = 200;

  /** How channels' message ids begin; an API client's id must not, so the two never collide. */
  static final List<String> CHANNEL_ID_PREFIXES = List.of("tg:", "wa:");

  // The factory caps nesting (InboundJson.MAX_NESTING_DEPTH): deeper is bad JSON, not a deep read.
  private static final ObjectMapper MAPPER =
      new ObjectMapper(InboundJson.factory())
          .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

  private final int maxTextChars;

  public ApiMessageParser(int maxTextChars) {
    this.maxTextChars = maxTextChars;
  }

  public InboundMessage parse(byte[] body) {
    if (!isUtf8(body)) {
      throw new BadRequest("bad-text", "The body is not valid UTF-8.");
    }
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
    if (!Utf16.isWellFormed(text.asText())) {
      throw new BadRequest("bad-text", notUnicode("text"));
    }
    if (text.asText().isBlank()) {
      throw new BadRequest("missing-text", "The field \"text\" must not be empty.");
    }
    if (text.asText().length() > maxTextChars) {
      throw new BadRequest(
          "text-too-long", "The field \"text\" is longer than " + maxTextChars + " characters.");
    }
    String id = optionalString(root, "id", MAX_ID_CHARS);
    if (id != null && CHANNEL_ID_PREFIXES.stream().anyMatch(id::startsWith)) {
      // Channel deliveries are remembered under these ids (tg:<update_id>, wa:<wamid>) in the
      // same per-conversation memory: an API id tg:123 would make Telegram's update 123 a
      // duplicate of it, and the user's message would be dropped.
      throw new BadRequest(
          "bad-id",
          "The field \"id\" must not start with "
              + String.join(" or ", CHANNEL_ID_PREFIXES)
              + ": those ids belong to channel deliveries.");
    }
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
    if (!Utf16.isWellFormed(value)) {
      throw new BadRequest("bad-" + field, notUnicode(field));
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new BadRequest(
          "bad-" + field, "The field \"" + field + "\" must not hold control characters.");
    }
    return value;
  }

  private static String notUnicode(String field) {
    return "The field \""
        + field
        + "\" is not valid Unicode: it holds a lone UTF-16 surrogate (half a character).";
  }

  /**
   * Strict UTF-8, as the JSON standard requires: Jackson would otherwise read an encoded surrogate
   * (bytes ED A0 BD) into a lone surrogate without complaint.
   */
  private static boolean isUtf8(byte[] body) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
