package dev.parley.channel.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.channel.whatsapp.WhatsAppDelivery.Inbound;
import dev.parley.channel.whatsapp.WhatsAppDelivery.Part;
import dev.parley.channel.whatsapp.WhatsAppDelivery.Refused;
import dev.parley.channel.whatsapp.WhatsAppDelivery.ReportedError;
import dev.parley.channel.whatsapp.WhatsAppDelivery.StatusUpdate;
import dev.parley.conversation.ReplyAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every stored real-format payload parses into the parts a conversation records. */
class WhatsAppParserTest {
  private final WhatsAppParser parser = new WhatsAppParser(8000);

  private WhatsAppDelivery parse(String fixture) {
    return parser.parse(WhatsAppFixtures.load(fixture).getBytes(StandardCharsets.UTF_8));
  }

  private Inbound onlyInbound(String fixture) {
    List<Part> parts = parse(fixture).parts();
    assertEquals(1, parts.size());
    return assertInstanceOf(Inbound.class, parts.get(0));
  }

  @Test
  void textMessageBecomesAMessageOfTheUsersConversation() {
    Inbound in = onlyInbound("text.json");
    assertEquals("user:wa:16505551234", in.key().value());
    assertEquals("wa:" + WhatsAppFixtures.TEXT_WAMID, in.message().messageId());
    assertEquals("Does it come in another color?", in.message().text());
    assertEquals("Sheena Nelson", in.message().sender());
    assertEquals(
        new ReplyAddress("16505551234", null, WhatsAppFixtures.TEXT_WAMID, "16505551234"),
        in.message().address());
  }

  @Test
  void buttonReplyGivesItsTitleAndId() {
    Inbound in = onlyInbound("button_reply.json");
    assertEquals("Yes, book it [confirm-yes]", in.message().text());
    assertEquals(
        "wa:wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUJCNjMzNzc4MTdBMjQxRTU0NwA=",
        in.message().messageId());
  }

  @Test
  void aPressOnAConfirmationButtonIsAButtonPressNotAMessage() {
    String json =
        WhatsAppFixtures.load("button_reply.json").replace("\"confirm-yes\"", "\"c:t3r1:y\"");
    List<Part> parts = parser.parse(json.getBytes(StandardCharsets.UTF_8)).parts();
    var press = assertInstanceOf(WhatsAppDelivery.ButtonPress.class, parts.get(0));
    assertEquals("c:t3r1:y", press.data());
    assertEquals("16505551234", press.userId());
    assertEquals("user:wa:16505551234", press.key().value());
  }

  @Test
  void listReplyGivesItsTitleAndId() {
    assertEquals("Berlin [tz-europe-berlin]", onlyInbound("list_reply.json").message().text());
  }

  @Test
  void templateQuickReplyGivesItsText() {
    assertEquals("Reschedule", onlyInbound("template_button.json").message().text());
  }

  @Test
  void imageIsRefusedWithTheOnlyTextNotice() {
    List<Part> parts = parse("image.json").parts();
    Refused refused = assertInstanceOf(Refused.class, parts.get(0));
    assertEquals("user:wa:16505551234", refused.key().value());
    assertEquals("wa:" + WhatsAppFixtures.IMAGE_WAMID, refused.messageId());
    assertEquals("unsupported", refused.reason());
    assertEquals("I can only read text.", refused.notice());
    assertEquals(WhatsAppFixtures.IMAGE_WAMID, refused.address().replyToMessageId());
  }

  @Test
  void everyStatusBecomesAStatusUpdateOfTheRecipientsConversation() {
    for (String status : List.of("sent", "delivered", "read", "failed")) {
      WhatsAppDelivery delivery = parse("status_" + status + ".json");
      StatusUpdate update = assertInstanceOf(StatusUpdate.class, delivery.parts().get(0));
      assertEquals("user:wa:16505551234", update.key().value());
      assertEquals(WhatsAppFixtures.STATUS_WAMID, update.wamid());
      assertEquals(status, update.status());
    }
  }

  @Test
  void errorsOfAFailedStatusAreReportedWithCodeAndTitle() {
    assertEquals(
        List.of(new ReportedError("status", 131047, "Re-engagement message")),
        parse("status_failed.json").errors());
  }

  @Test
  void severalEntriesChangesAndMessagesAllBecomePartsInOrder() {
    List<Part> parts = parse("several.json").parts();
    assertEquals(5, parts.size());
    Inbound first = assertInstanceOf(Inbound.class, parts.get(0));
    Inbound second = assertInstanceOf(Inbound.class, parts.get(1));
    assertEquals("First question: do you ship to Canada?", first.message().text());
    assertEquals("Second question: how long does it take?", second.message().text());
    assertInstanceOf(StatusUpdate.class, parts.get(2));
    Inbound german = assertInstanceOf(Inbound.class, parts.get(3));
    assertEquals("user:wa:4915112345678", german.key().value());
    assertEquals("Kai Müller", german.message().sender());
    assertEquals("Hallo, habt ihr geöffnet?", german.message().text());
    Refused sticker = assertInstanceOf(Refused.class, parts.get(4));
    assertEquals("user:wa:4915112345678", sticker.key().value());
  }

  @Test
  void unknownFieldsStatusesAndChangesAreIgnored() {
    String body =
        "{\"object\":\"whatsapp_business_account\",\"brand_new\":1,\"entry\":[{\"id\":\"1\","
            + "\"changes\":[{\"field\":\"account_update\",\"value\":{\"event\":\"X\"}},"
            + "{\"field\":\"messages\",\"value\":{\"statuses\":[{\"id\":\"wamid.A\","
            + "\"status\":\"deleted\",\"recipient_id\":\"1\"}],\"messages\":[{\"from\":\"1\","
            + "\"id\":\"wamid.B\",\"type\":\"reaction\",\"reaction\":{\"emoji\":\"x\"}}]}}]}]}";
    WhatsAppDelivery delivery = parser.parse(body.getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(), delivery.parts());
    assertEquals(3, delivery.ignored());
  }

  @Test
  void aSenderWithoutAMatchingContactHasNoName() {
    String body =
        WhatsAppFixtures.load("text.json")
            .replace("\"wa_id\": \"16505551234\"", "\"wa_id\": \"1\"");
    Inbound in = (Inbound) parser.parse(body.getBytes(StandardCharsets.UTF_8)).parts().get(0);
    assertNull(in.message().sender());
  }

  @Test
  void textLongerThanTheLimitIsRefusedWithANotice() {
    WhatsAppParser strict = new WhatsAppParser(10);
    Part part =
        strict
            .parse(WhatsAppFixtures.load("text.json").getBytes(StandardCharsets.UTF_8))
            .parts()
            .get(0);
    assertEquals("too-long", assertInstanceOf(Refused.class, part).reason());
  }

  /** A delivery of one change whose value is {@code value}. */
  private WhatsAppDelivery parseValue(String value) {
    String body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":"
            + "[{\"field\":\"messages\",\"value\":"
            + value
            + "}]}]}";
    return parser.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  private static final String TEXT =
      "{\"from\":\"15550001111\",\"id\":\"wamid.OK\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}";
  private static final String STATUS =
      "{\"id\":\"wamid.S\",\"status\":\"read\",\"recipient_id\":\"15550001111\"}";

  @Test
  void nullMessagesStatusesAndContactsAreSkipped() {
    WhatsAppDelivery delivery =
        parseValue(
            "{\"contacts\":[null],\"messages\":[null,"
                + TEXT
                + "],\"statuses\":[null,"
                + STATUS
                + "],\"errors\":[null]}");
    assertEquals(2, delivery.parts().size());
    assertEquals("hi", assertInstanceOf(Inbound.class, delivery.parts().get(0)).message().text());
    assertInstanceOf(StatusUpdate.class, delivery.parts().get(1));
    assertEquals(2, delivery.ignored());
  }

  @Test
  void aStatusWithoutAStatusIsIgnored() {
    WhatsAppDelivery delivery =
        parseValue("{\"statuses\":[{\"id\":\"wamid.S\",\"recipient_id\":\"15550001111\"}]}");
    assertEquals(List.of(), delivery.parts());
    assertEquals(1, delivery.ignored());
  }

  @Test
  void itemsOfTheWrongShapeAreSkippedAndTheRestKept() {
    WhatsAppDelivery delivery =
        parseValue(
            "{\"contacts\":{\"x\":1},\"messages\":[5,\"x\",[],{\"from\":{\"a\":1},\"id\":\"w\"},"
                + "{\"from\":\"1555\",\"id\":\"wamid.T\",\"type\":\"text\",\"text\":{\"body\":{}}},"
                + TEXT
                + "],\"statuses\":[{\"id\":[1],\"status\":\"read\"},"
                + STATUS
                + "],\"errors\":[{\"code\":\"not a number\"}]}");
    assertEquals(2, delivery.parts().size(), delivery.toString());
    assertEquals("wa:wamid.OK", delivery.parts().get(0).id());
    assertEquals("wamid.S", delivery.parts().get(1).id());
    assertEquals(6, delivery.ignored());
  }

  @Test
  void entriesAndChangesOfTheWrongShapeAreIgnored() {
    for (String body :
        List.of(
            "{\"entry\":\"nope\"}",
            "{\"entry\":[5,null,{\"changes\":7},{\"changes\":[null,3,{\"field\":[]}]}]}",
            "{\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":[1]}]}]}",
            "{}")) {
      WhatsAppDelivery delivery = parser.parse(body.getBytes(StandardCharsets.UTF_8));
      assertEquals(List.of(), delivery.parts(), body);
    }
  }

  @Test
  void aBodyThatIsNotAJsonObjectIsRefused() {
    for (String body : List.of("", "5", "[1]", "\"x\"", "null", "{\"entry\": [")) {
      assertThrows(
          IllegalArgumentException.class,
          () -> parser.parse(body.getBytes(StandardCharsets.UTF_8)),
          body);
    }
  }

  @Test
  void nestingPastTheCapIsRefused() {
    String deep = "[".repeat(70) + "]".repeat(70);
    assertThrows(IllegalArgumentException.class, () -> parseValue("{\"x\":" + deep + "}"));
    assertEquals(List.of(), parseValue("{\"x\":" + "[".repeat(40) + "]".repeat(40) + "}").parts());
  }

  @Test
  void loneSurrogatesInTextAndNamesBecomeReplacementCharacters() {
    WhatsAppDelivery delivery =
        parseValue(
            "{\"contacts\":[{\"profile\":{\"name\":\"K\\udc4b\"},\"wa_id\":\"15550001111\"}],"
                + "\"messages\":["
                + TEXT.replace("hi", "hi \\ud83d")
                + "]}");
    Inbound in = assertInstanceOf(Inbound.class, delivery.parts().get(0));
    assertEquals("hi \ufffd", in.message().text());
    assertEquals("K\ufffd", in.message().sender());
  }

  @Test
  void notJsonIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> parser.parse("<html>".getBytes(StandardCharsets.UTF_8)));
  }
}
