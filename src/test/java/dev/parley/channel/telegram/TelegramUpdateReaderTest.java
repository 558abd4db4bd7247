package dev.parley.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.conversation.ReplyAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real-format Bot API updates (src/test/resources/telegram) read into what Parley does with them:
 * the conversation key, the dedupe id, the reply address, and whether a group message addresses the
 * bot.
 */
class TelegramUpdateReaderTest {
  static final BotIdentity BOT = new BotIdentity(7000000001L, "parley_test_bot");
  private final TelegramUpdateReader reader =
      new TelegramUpdateReader(false, "I can only read text.");

  static byte[] payload(String name) {
    try (InputStream in =
        TelegramUpdateReaderTest.class.getResourceAsStream("/telegram/" + name + ".json")) {
      return in.readAllBytes();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("no test payload " + name, e);
    }
  }

  private TelegramAction read(String name) throws IOException {
    return reader.read(TelegramWire.parseUpdate(payload(name)), BOT);
  }

  @Test
  void privateTextIsAMessageOfTheUsersConversation() throws IOException {
    var accept = assertInstanceOf(TelegramAction.Accept.class, read("private-text"));
    assertEquals("user:tg:11111111", accept.key().value());
    assertEquals("tg:100000001", accept.message().messageId());
    assertEquals("Hello there, what can you do?", accept.message().text());
    assertNull(accept.message().sender());
    assertEquals(new ReplyAddress("11111111", null, null, "11111111"), accept.message().address());
  }

  @Test
  void groupMentionIsAddressedAndCarriesTheSendersName() throws IOException {
    var accept = assertInstanceOf(TelegramAction.Accept.class, read("group-mention"));
    assertEquals("group:tg:-1001234567890", accept.key().value());
    assertEquals("Grace Hopper", accept.message().sender());
    assertEquals(
        new ReplyAddress("-1001234567890", null, "77", "22222222"), accept.message().address());
  }

  @Test
  void replyToTheBotIsAddressed() throws IOException {
    var accept = assertInstanceOf(TelegramAction.Accept.class, read("reply-to-bot"));
    assertEquals("group:tg:-1001234567890", accept.key().value());
    assertEquals("Alan", accept.message().sender());
    assertEquals("79", accept.message().address().replyToMessageId());
  }

  @Test
  void forumTopicMessageGetsItsOwnConversationAndThread() throws IOException {
    var accept = assertInstanceOf(TelegramAction.Accept.class, read("forum-topic"));
    assertEquals("group:tg:-1009876543210:305", accept.key().value());
    assertEquals(
        new ReplyAddress("-1009876543210", "305", "310", "22222222"), accept.message().address());
  }

  @Test
  void groupMessageForAnotherBotIsIgnored() throws IOException {
    assertInstanceOf(TelegramAction.Ignore.class, read("group-not-addressed"));
  }

  @Test
  void groupMessageWaitsForTheBotsIdentity() throws IOException {
    var update = TelegramWire.parseUpdate(payload("group-mention"));
    assertEquals(TelegramAction.AwaitBotIdentity.INSTANCE, reader.read(update, null));
    // A private chat does not need it.
    var privateText = TelegramWire.parseUpdate(payload("private-text"));
    assertInstanceOf(TelegramAction.Accept.class, reader.read(privateText, null));
  }

  @Test
  void callbackQueryIsAButtonPressOfTheChat() throws IOException {
    var press = assertInstanceOf(TelegramAction.ButtonPress.class, read("callback-query"));
    assertEquals("4382bfdwdsb323b2d9", press.callbackQueryId());
    assertEquals("user:tg:11111111", press.key().value());
    assertEquals("c:7:yes", press.data());
    assertEquals("11111111", press.userId());
  }

  @Test
  void editedMessageIsIgnoredByDefaultAndHandledWhenConfigured() throws IOException {
    assertInstanceOf(TelegramAction.Ignore.class, read("edited-message"));
    var handling = new TelegramUpdateReader(true, "x");
    var accept =
        assertInstanceOf(
            TelegramAction.Accept.class,
            handling.read(TelegramWire.parseUpdate(payload("edited-message")), BOT));
    assertEquals("tg:100000006", accept.message().messageId());
    assertEquals("Hello there, what can you do for me?", accept.message().text());
  }

  @Test
  void photoCaptionCountsAsText() throws IOException {
    var accept = assertInstanceOf(TelegramAction.Accept.class, read("photo-caption"));
    assertEquals("What is in this picture?", accept.message().text());
  }

  @Test
  void stickerIsRejectedWithTheNotice() throws IOException {
    var reject = assertInstanceOf(TelegramAction.Reject.class, read("sticker"));
    assertEquals("user:tg:11111111", reject.key().value());
    assertEquals("tg:100000008", reject.messageId());
    assertEquals("unsupported", reject.reason());
    assertEquals("I can only read text.", reject.notice());
    assertEquals("11111111", reject.address().chatId());
  }

  @Test
  void myChatMemberIsANoteOnTheGroup() throws IOException {
    var note = assertInstanceOf(TelegramAction.Note.class, read("my-chat-member"));
    assertEquals("group:tg:-1001234567890", note.key().value());
    assertEquals("membership", note.kind());
    assertEquals("member", note.detail());
  }

  @Test
  void migrationIsNotedInTheOldConversation() throws IOException {
    var note = assertInstanceOf(TelegramAction.Note.class, read("group-migrated"));
    assertEquals("group:tg:-4000000001", note.key().value());
    assertEquals("migrated", note.kind());
    assertEquals("group:tg:-1004000000001", note.detail());
  }

  @Test
  void unknownUpdateTypesAreIgnoredAndUnknownFieldsTolerated() throws IOException {
    byte[] poll =
        "{\"update_id\": 5, \"poll\": {\"id\": \"1\"}, \"brand_new_field\": [1, 2]}"
            .getBytes(StandardCharsets.UTF_8);
    assertInstanceOf(TelegramAction.Ignore.class, reader.read(TelegramWire.parseUpdate(poll), BOT));
    assertThrows(
        IOException.class,
        () -> TelegramWire.parseUpdate("{\"x\": 1}".getBytes(StandardCharsets.UTF_8)));
    assertThrows(
        IOException.class,
        () -> TelegramWire.parseUpdate("not json".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void plainCommandAndTextMentionInAGroupAreAddressed() throws IOException {
    String base =
        "{\"update_id\": 9, \"message\": {\"message_id\": 1, \"from\": {\"id\": 5, \"first_name\":"
            + " \"Bo\"}, \"chat\": {\"id\": -100, \"type\": \"group\"}, ";
    String command =
        base
            + "\"text\": \"/help\", \"entities\": [{\"type\": \"bot_command\", \"offset\": 0,"
            + " \"length\": 5}]}}";
    String otherBot =
        base
            + "\"text\": \"/help@other_bot\", \"entities\": [{\"type\": \"bot_command\","
            + " \"offset\": 0, \"length\": 15}]}}";
    String textMention =
        base
            + "\"text\": \"Parley, hi\", \"entities\": [{\"type\": \"text_mention\", \"offset\":"
            + " 0, \"length\": 6, \"user\": {\"id\": 7000000001, \"first_name\": \"Parley\"}}]}}";
    assertInstanceOf(TelegramAction.Accept.class, readJson(command));
    assertInstanceOf(TelegramAction.Ignore.class, readJson(otherBot));
    assertInstanceOf(TelegramAction.Accept.class, readJson(textMention));
  }

  @Test
  void mentionOffsetsCountUtf16Units() throws IOException {
    // The emoji is two UTF-16 units, so the mention starts at offset 3.
    String json =
        "{\"update_id\": 9, \"message\": {\"message_id\": 1, \"from\": {\"id\": 5, \"first_name\":"
            + " \"Bo\"}, \"chat\": {\"id\": -100, \"type\": \"group\"}, \"text\": \"\\ud83d\\udc4b"
            + " @Parley_Test_Bot hi\", \"entities\": [{\"type\": \"mention\", \"offset\": 3,"
            + " \"length\": 16}]}}";
    assertInstanceOf(TelegramAction.Accept.class, readJson(json));
  }

  @Test
  void nullEntitiesAreSkipped() throws IOException {
    String json =
        "{\"update_id\": 9, \"message\": {\"message_id\": 1, \"from\": {\"id\": 5, \"first_name\":"
            + " \"Bo\"}, \"chat\": {\"id\": -100, \"type\": \"group\"}, \"text\": \"@parley_test_bot"
            + " hi\", \"entities\": [null, {\"type\": \"mention\", \"offset\": 0, \"length\": 16},"
            + " null]}}";
    assertInstanceOf(TelegramAction.Accept.class, readJson(json));
  }

  @Test
  void entityBoundsNearTheIntLimitDoNotOverflow() throws IOException {
    String base =
        "{\"update_id\": 9, \"message\": {\"message_id\": 1, \"from\": {\"id\": 5, \"first_name\":"
            + " \"Bo\"}, \"chat\": {\"id\": -100, \"type\": \"group\"}, \"text\": \"/help\","
            + " \"entities\": [{\"type\": \"bot_command\", ";
    for (String bounds :
        List.of(
            "\"offset\": 2147483647, \"length\": 1",
            "\"offset\": 1, \"length\": 2147483647",
            "\"offset\": 2147483647, \"length\": 2147483647",
            "\"offset\": -2147483648, \"length\": -1")) {
      assertInstanceOf(TelegramAction.Ignore.class, readJson(base + bounds + "}]}}"), bounds);
    }
  }

  private TelegramAction readJson(String json) throws IOException {
    return reader.read(TelegramWire.parseUpdate(json.getBytes(StandardCharsets.UTF_8)), BOT);
  }
}
