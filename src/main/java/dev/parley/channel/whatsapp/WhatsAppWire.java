package dev.parley.channel.whatsapp;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.parley.channel.InboundJson;
import java.util.List;

/**
 * Meta's JSON as it comes over the wire: the items of a webhook payload and the Graph API's send
 * and error answers. Read with snake_case names, ignoring every field we do not use (Meta adds
 * fields freely), refusing nesting past {@link InboundJson#MAX_NESTING_DEPTH} and binding only
 * well-formed strings. A payload is walked as a tree and its items bound one by one ({@link
 * WhatsAppParser}), so one unusable item does not cost the others. Never persisted: the parser
 * turns these into conversation commands.
 */
final class WhatsAppWire {
  static final ObjectMapper MAPPER =
      JsonMapper.builder(InboundJson.factory())
          .addModule(InboundJson.wellFormedStrings())
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private WhatsAppWire() {}

  record Contact(Profile profile, String waId) {}

  record Profile(String name) {}

  record Message(
      String from,
      String id,
      String type,
      Text text,
      Interactive interactive,
      Button button,
      List<WireError> errors) {}

  record Text(String body) {}

  record Interactive(String type, Choice buttonReply, Choice listReply) {}

  record Choice(String id, String title, String description) {}

  record Button(String payload, String text) {}

  record Status(String id, String status, String recipientId, List<WireError> errors) {}

  record WireError(Integer code, String title, String message) {}

  /** The Graph API's answer to a send: {@code {"messages":[{"id":"wamid..."}]}}. */
  record SendAnswer(List<SentMessage> messages) {}

  record SentMessage(String id) {}

  /** The Graph API's error answer: {@code {"error":{"code":131047,"message":...}}}. */
  record ErrorAnswer(GraphError error) {}

  record GraphError(Integer code, String message, String errorUserTitle, Integer errorSubcode) {}

  static <T> List<T> list(List<T> maybe) {
    return maybe == null ? List.of() : maybe;
  }
}
