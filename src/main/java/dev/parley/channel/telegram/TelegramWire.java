package dev.parley.channel.telegram;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.parley.channel.InboundJson;
import java.io.IOException;
import java.util.List;

/**
 * The parts of the Bot API's JSON that Parley reads, as records. Read by a mapper that ignores
 * unknown fields (Telegram adds fields often), refuses nesting past {@link
 * InboundJson#MAX_NESTING_DEPTH} and binds only well-formed strings; never persisted and never used
 * as an event.
 */
public final class TelegramWire {
  static final ObjectMapper MAPPER =
      JsonMapper.builder(InboundJson.factory())
          .addModule(InboundJson.wellFormedStrings())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private TelegramWire() {}

  /** Parses one webhook body; throws on anything that is not an update object. */
  public static Update parseUpdate(byte[] body) throws IOException {
    Update update = MAPPER.readValue(body, Update.class);
    if (update == null || update.updateId() == null) {
      throw new IOException("not a Telegram update (no update_id)");
    }
    return update;
  }

  public record Update(
      @JsonProperty("update_id") Long updateId,
      @JsonProperty("message") Message message,
      @JsonProperty("edited_message") Message editedMessage,
      @JsonProperty("callback_query") CallbackQuery callbackQuery,
      @JsonProperty("my_chat_member") ChatMemberUpdated myChatMember) {}

  public record Message(
      @JsonProperty("message_id") long messageId,
      @JsonProperty("message_thread_id") Long messageThreadId,
      @JsonProperty("from") User from,
      @JsonProperty("chat") Chat chat,
      @JsonProperty("text") String text,
      @JsonProperty("caption") String caption,
      @JsonProperty("entities") List<MessageEntity> entities,
      @JsonProperty("caption_entities") List<MessageEntity> captionEntities,
      @JsonProperty("reply_to_message") RepliedTo replyToMessage,
      @JsonProperty("is_topic_message") Boolean isTopicMessage,
      @JsonProperty("migrate_to_chat_id") Long migrateToChatId) {

    /** The text a user wrote: the text, or a media message's caption; null when neither. */
    public String readableText() {
      return text != null ? text : caption;
    }

    public List<MessageEntity> readableEntities() {
      List<MessageEntity> list = text != null ? entities : captionEntities;
      return list == null ? List.of() : list;
    }

    public boolean inForumTopic() {
      return Boolean.TRUE.equals(isTopicMessage) && messageThreadId != null;
    }
  }

  /**
   * The message a message replies to, of which only the sender is read (is it a reply to the bot?).
   * Telegram never nests a further reply in it; binding it as a whole {@link Message} would bind
   * any such nesting recursively, a stack frame per level.
   */
  public record RepliedTo(@JsonProperty("from") User from) {}

  public record User(
      @JsonProperty("id") long id,
      @JsonProperty("is_bot") boolean isBot,
      @JsonProperty("first_name") String firstName,
      @JsonProperty("last_name") String lastName,
      @JsonProperty("username") String username) {

    /** First and last name, or the username, or the id. */
    public String displayName() {
      String name = firstName == null ? "" : firstName;
      if (lastName != null && !lastName.isBlank()) {
        name = name.isBlank() ? lastName : name + " " + lastName;
      }
      if (!name.isBlank()) {
        return name.strip();
      }
      return username != null ? username : String.valueOf(id);
    }
  }

  public record Chat(
      @JsonProperty("id") long id,
      @JsonProperty("type") String type,
      @JsonProperty("title") String title) {
    public boolean isPrivate() {
      return "private".equals(type);
    }
  }

  public record MessageEntity(
      @JsonProperty("type") String type,
      @JsonProperty("offset") int offset,
      @JsonProperty("length") int length,
      @JsonProperty("user") User user) {}

  public record CallbackQuery(
      @JsonProperty("id") String id,
      @JsonProperty("from") User from,
      @JsonProperty("message") Message message,
      @JsonProperty("data") String data) {}

  public record ChatMemberUpdated(
      @JsonProperty("chat") Chat chat,
      @JsonProperty("from") User from,
      @JsonProperty("new_chat_member") ChatMember newChatMember) {}

  public record ChatMember(
      @JsonProperty("status") String status, @JsonProperty("user") User user) {}

  /** Every Bot API answer: ok with a result, or an error code, a description and parameters. */
  public record ApiResponse(
      @JsonProperty("ok") boolean ok,
      @JsonProperty("result") JsonNode result,
      @JsonProperty("error_code") Integer errorCode,
      @JsonProperty("description") String description,
      @JsonProperty("parameters") ResponseParameters parameters) {

    /** Seconds to wait before retrying, from a 429; 0 when absent. */
    public int retryAfter() {
      return parameters == null || parameters.retryAfter() == null ? 0 : parameters.retryAfter();
    }
  }

  public record ResponseParameters(@JsonProperty("retry_after") Integer retryAfter) {}
}
