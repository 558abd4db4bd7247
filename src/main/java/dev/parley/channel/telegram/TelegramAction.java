package dev.parley.channel.telegram;

import dev.parley.conversation.ConversationKey;
import dev.parley.conversation.InboundMessage;
import dev.parley.conversation.ReplyAddress;

/**
 * What one update asks of Parley, decided by {@link TelegramUpdateReader} from the update alone: a
 * message for a conversation, a notice-only rejection, a recorded note, a button press, nothing, or
 * "ask again later" while the bot's own identity is not known yet.
 */
public sealed interface TelegramAction {

  /** A text addressed to the bot: a receipt and, in its turn, a reply. */
  record Accept(ConversationKey key, InboundMessage message) implements TelegramAction {}

  /** A message the bot cannot read (sticker, voice...): recorded, answered with a notice. */
  record Reject(
      ConversationKey key, String messageId, String reason, String notice, ReplyAddress address)
      implements TelegramAction {}

  /** A fact about the chat that starts no turn (membership, migration). */
  record Note(ConversationKey key, String kind, String detail) implements TelegramAction {}

  /**
   * A button press: answered to Telegram at once, then handed to the conversation with its callback
   * data and the id of the user who pressed it.
   */
  record ButtonPress(String callbackQueryId, ConversationKey key, String data, String userId)
      implements TelegramAction {}

  /** Nothing to do (not addressed to the bot, an update type we do not read): 200. */
  record Ignore(String why) implements TelegramAction {}

  /** A group message arrived before getMe answered: whether it addresses us is unknown yet. */
  enum AwaitBotIdentity implements TelegramAction {
    INSTANCE
  }
}
