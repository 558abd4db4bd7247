package dev.parley.channel.whatsapp;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;

/**
 * Meta's JSON as it comes over the wire: the webhook payload and the Graph API's send and error
 * answers. Read with snake_case names, ignoring every field we do not use (Meta adds fields
 * freely). Never persisted: the parser turns these into conversation commands.
 */
final class WhatsAppWire {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private WhatsAppWire() {}

  record Webhook(String object, List<Entry> entry) {}

  record Entry(String id, List<Change> changes) {}

  record Change(String field, Value value) {}

  record Value(
      String messagingProduct,
      List<Contact> contacts,
      List<Message> messages,
      List<Status> statuses,
      List<WireError> errors) {}

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
