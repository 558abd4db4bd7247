package dev.parley.channel.telegram;

import dev.parley.channel.telegram.TelegramWire.CallbackQuery;
import dev.parley.channel.telegram.TelegramWire.Chat;
import dev.parley.channel.telegram.TelegramWire.ChatMemberUpdated;
import dev.parley.channel.telegram.TelegramWire.Message;
import dev.parley.channel.telegram.TelegramWire.MessageEntity;
import dev.parley.channel.telegram.TelegramWire.Update;
import dev.parley.conversation.ConversationKey;
import dev.parley.conversation.InboundMessage;
import dev.parley.conversation.ReplyAddress;

/**
 * Decides what an update means, without I/O: which conversation (a private chat by user, a group by
 * chat, a forum topic by chat and thread), whether a group message addresses the bot, and the
 * stable dedupe id {@code tg:<update_id>} (Telegram redelivers with the same update id).
 */
public final class TelegramUpdateReader {
  private final boolean handleEdited;
  private final String unsupportedNotice;

  public TelegramUpdateReader(boolean handleEdited, String unsupportedNotice) {
    this.handleEdited = handleEdited;
    this.unsupportedNotice = unsupportedNotice;
  }

  public static TelegramUpdateReader of(TelegramSettings settings) {
    return new TelegramUpdateReader(settings.handleEditedMessages(), settings.unsupportedNotice());
  }

  /** {@code bot} is null until getMe has answered. */
  public TelegramAction read(Update update, BotIdentity bot) {
    String id = "tg:" + update.updateId();
    if (update.message() != null) {
      return message(id, update.message(), bot);
    }
    if (update.editedMessage() != null) {
      return handleEdited
          ? message(id, update.editedMessage(), bot)
          : new TelegramAction.Ignore("edited message");
    }
    if (update.callbackQuery() != null) {
      return press(update.callbackQuery());
    }
    if (update.myChatMember() != null) {
      return membership(update.myChatMember());
    }
    return new TelegramAction.Ignore("update type not read");
  }

  private TelegramAction message(String id, Message message, BotIdentity bot) {
    if (message.chat() == null) {
      return new TelegramAction.Ignore("message without a chat");
    }
    Chat chat = message.chat();
    if (message.migrateToChatId() != null) {
      // The group became a supergroup: its messages now arrive with the new chat id, so they
      // land in the new conversation by themselves; the old one records where it went.
      return new TelegramAction.Note(
          groupKey(chat.id(), null), "migrated", "group:tg:" + message.migrateToChatId());
    }
    if (chat.isPrivate()) {
      if (message.from() == null) {
        return new TelegramAction.Ignore("private message without a sender");
      }
      ConversationKey key = key("user:tg:" + message.from().id());
      ReplyAddress address =
          new ReplyAddress(
              String.valueOf(chat.id()), null, null, String.valueOf(message.from().id()));
      return textOrReject(key, id, message, null, address);
    }
    if (message.from() == null) {
      return new TelegramAction.Ignore("group message without a sender (a channel post)");
    }
    if (bot == null) {
      return TelegramAction.AwaitBotIdentity.INSTANCE;
    }
    if (!addressed(message, bot)) {
      return new TelegramAction.Ignore("group message not addressed to the bot");
    }
    Long topic = message.inForumTopic() ? message.messageThreadId() : null;
    ReplyAddress address =
        new ReplyAddress(
            String.valueOf(chat.id()),
            topic == null ? null : String.valueOf(topic),
            String.valueOf(message.messageId()),
            String.valueOf(message.from().id()));
    return textOrReject(
        groupKey(chat.id(), topic), id, message, message.from().displayName(), address);
  }

  private TelegramAction textOrReject(
      ConversationKey key, String id, Message message, String sender, ReplyAddress address) {
    String text = message.readableText();
    if (text == null || text.isBlank()) {
      return new TelegramAction.Reject(key, id, "unsupported", unsupportedNotice, address);
    }
    return new TelegramAction.Accept(key, new InboundMessage(id, text, sender, address));
  }

  /**
   * In a group the bot acts only when spoken to: an @mention of it, a text mention of its user, a
   * command (plain, or with its @name), or a reply to one of its messages.
   */
  static boolean addressed(Message message, BotIdentity bot) {
    if (message.replyToMessage() != null
        && message.replyToMessage().from() != null
        && message.replyToMessage().from().id() == bot.id()) {
      return true;
    }
    String text = message.readableText();
    if (text == null) {
      return false;
    }
    for (MessageEntity entity : message.readableEntities()) {
      if (entity == null) {
        continue;
      }
      String part = slice(text, entity);
      switch (entity.type() == null ? "" : entity.type()) {
        case "mention" -> {
          if (part != null && bot.isNamed(part)) {
            return true;
          }
        }
        case "text_mention" -> {
          if (entity.user() != null && entity.user().id() == bot.id()) {
            return true;
          }
        }
        case "bot_command" -> {
          if (part != null) {
            int at = part.indexOf('@');
            // Telegram sends a plain /command in a group only to the bot it is meant for
            // (when privacy mode lets the bot see it at all), so it counts as addressed.
            if (at < 0 || bot.isNamed(part.substring(at + 1))) {
              return true;
            }
          }
        }
        default -> {}
      }
    }
    return false;
  }

  /**
   * The entity's text, or null when its bounds lie outside the text; offsets are in UTF-16 code
   * units, as Java strings count. The end is computed in {@code long}: two ints near the limit
   * would overflow to a negative end that passes the check.
   */
  private static String slice(String text, MessageEntity entity) {
    long end = (long) entity.offset() + entity.length();
    if (entity.offset() < 0 || entity.length() < 0 || end > text.length()) {
      return null;
    }
    return text.substring(entity.offset(), (int) end);
  }

  private TelegramAction press(CallbackQuery query) {
    if (query.from() == null) {
      return new TelegramAction.Ignore("button press without a user");
    }
    Message message = query.message();
    ConversationKey key;
    if (message == null || message.chat() == null || message.chat().isPrivate()) {
      key = key("user:tg:" + query.from().id());
    } else {
      Long topic = message.inForumTopic() ? message.messageThreadId() : null;
      key = groupKey(message.chat().id(), topic);
    }
    return new TelegramAction.ButtonPress(
        query.id(),
        key,
        query.data() == null ? "" : query.data(),
        String.valueOf(query.from().id()));
  }

  private TelegramAction membership(ChatMemberUpdated update) {
    if (update.chat() == null || update.newChatMember() == null) {
      return new TelegramAction.Ignore("membership update without a chat");
    }
    ConversationKey key =
        update.chat().isPrivate()
            ? key("user:tg:" + update.chat().id())
            : groupKey(update.chat().id(), null);
    return new TelegramAction.Note(key, "membership", update.newChatMember().status());
  }

  private static ConversationKey groupKey(long chatId, Long topic) {
    return key("group:tg:" + chatId + (topic == null ? "" : ":" + topic));
  }

  private static ConversationKey key(String raw) {
    return ConversationKey.parse(raw);
  }
}
