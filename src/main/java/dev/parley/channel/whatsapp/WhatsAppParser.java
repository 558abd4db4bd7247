package dev.parley.channel.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.channel.whatsapp.WhatsAppDelivery.Inbound;
import dev.parley.channel.whatsapp.WhatsAppDelivery.Part;
import dev.parley.channel.whatsapp.WhatsAppDelivery.Refused;
import dev.parley.channel.whatsapp.WhatsAppDelivery.ReportedError;
import dev.parley.channel.whatsapp.WhatsAppDelivery.StatusUpdate;
import dev.parley.channel.whatsapp.WhatsAppWire.Contact;
import dev.parley.channel.whatsapp.WhatsAppWire.Message;
import dev.parley.channel.whatsapp.WhatsAppWire.Status;
import dev.parley.channel.whatsapp.WhatsAppWire.WireError;
import dev.parley.conversation.ConversationKey;
import dev.parley.conversation.InboundMessage;
import dev.parley.conversation.ReplyAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns an authenticated webhook body into a {@link WhatsAppDelivery}: every entry, every change of
 * field "messages", every usable message and status in it. Text, interactive replies (button and
 * list) and template quick replies become messages with id {@code wa:<wamid>} in {@code
 * user:wa:<from>}; other message types are refused with the "only text" notice. Reactions are
 * dropped: answering a thumbs-up with "I can only read text" would be noise. Pure: no I/O, no
 * logging.
 */
public final class WhatsAppParser {
  public static final String ONLY_TEXT = "I can only read text.";
  public static final String TOO_LONG = "That message is too long for me. Please send it shorter.";
  static final Set<String> STATUSES = Set.of("sent", "delivered", "read", "failed");

  private final int maxTextChars;

  public WhatsAppParser(int maxTextChars) {
    this.maxTextChars = maxTextChars;
  }

  /**
   * Parses {@code body}; throws IllegalArgumentException only when it is not a JSON object at all
   * (or nests past the cap). Inside one, every item that cannot be used (null, of the wrong shape,
   * or missing what it needs) is skipped and counted in {@link WhatsAppDelivery#ignored}, and the
   * others are kept: the payload is walked as a tree and each message, status, contact and error is
   * bound on its own.
   */
  public WhatsAppDelivery parse(byte[] body) {
    JsonNode root;
    try {
      root = WhatsAppWire.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not JSON (or nests too deeply)");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    List<Part> parts = new ArrayList<>();
    List<ReportedError> errors = new ArrayList<>();
    int ignored = 0;
    for (JsonNode entry : items(root, "entry")) {
      for (JsonNode change : items(entry, "changes")) {
        JsonNode value = change.path("value");
        if (!"messages".equals(change.path("field").textValue()) || !value.isObject()) {
          ignored++;
          continue;
        }
        ignored += value(value, parts, errors);
      }
    }
    return new WhatsAppDelivery(parts, errors, ignored);
  }

  /** Adds the parts of one change's value; returns how many items it ignored. */
  private int value(JsonNode value, List<Part> parts, List<ReportedError> errors) {
    int ignored = 0;
    report("value", bindAll(value, "errors", WireError.class), errors);
    List<Contact> contacts = bindAll(value, "contacts", Contact.class);
    for (JsonNode item : items(value, "messages")) {
      Message message = bind(item, Message.class);
      Part part = message == null ? null : message(message, contacts);
      if (message != null) {
        report("message", message.errors(), errors);
      }
      if (part == null) {
        ignored++;
      } else {
        parts.add(part);
      }
    }
    for (JsonNode item : items(value, "statuses")) {
      Status status = bind(item, Status.class);
      if (status == null) {
        ignored++;
        continue;
      }
      report("status", status.errors(), errors);
      ConversationKey key = key(status.recipientId());
      if (key == null
          || blank(status.id())
          || status.status() == null
          || !STATUSES.contains(status.status())) {
        ignored++;
      } else {
        parts.add(new StatusUpdate(key, status.id(), status.status()));
      }
    }
    return ignored;
  }

  /** The elements of the array {@code field} of {@code node}; none when it is not an array. */
  private static Iterable<JsonNode> items(JsonNode node, String field) {
    JsonNode array = node.path(field);
    return array.isArray() ? array : List.of();
  }

  /** Every element of the array {@code field} that binds as a {@code type}; the others dropped. */
  private static <T> List<T> bindAll(JsonNode node, String field, Class<T> type) {
    List<T> bound = new ArrayList<>();
    for (JsonNode item : items(node, field)) {
      T value = bind(item, type);
      if (value != null) {
        bound.add(value);
      }
    }
    return bound;
  }

  /** {@code item} bound as a {@code type}, or null when it is not an object of that shape. */
  private static <T> T bind(JsonNode item, Class<T> type) {
    if (!item.isObject()) {
      return null;
    }
    try {
      return WhatsAppWire.MAPPER.treeToValue(item, type);
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private Part message(Message message, List<Contact> contacts) {
    ConversationKey key = key(message.from());
    if (key == null || blank(message.id()) || "reaction".equals(message.type())) {
      return null;
    }
    String id = "wa:" + message.id();
    ReplyAddress address = new ReplyAddress(message.from(), null, message.id(), message.from());
    String pressed = confirmationPress(message);
    if (pressed != null) {
      return new WhatsAppDelivery.ButtonPress(key, id, pressed, message.from());
    }
    String text = text(message);
    if (text == null) {
      return new Refused(key, id, "unsupported", ONLY_TEXT, address);
    }
    if (text.length() > maxTextChars) {
      return new Refused(key, id, "too-long", TOO_LONG, address);
    }
    return new Inbound(
        key, new InboundMessage(id, text, sender(message.from(), contacts), address));
  }

  /**
   * The data of a reply button Parley offered (a confirmation's yes or no: ids start with "c:"), or
   * null for anything else.
   */
  private static String confirmationPress(Message message) {
    var interactive = message.interactive();
    if (!"interactive".equals(message.type()) || interactive == null) {
      return null;
    }
    var button = interactive.buttonReply();
    return button != null && button.id() != null && button.id().startsWith("c:")
        ? button.id()
        : null;
  }

  /** The text a message carries, or null when it carries none we can read. */
  private static String text(Message message) {
    String type = message.type() == null ? "" : message.type();
    switch (type) {
      case "text":
        return message.text() == null || blank(message.text().body())
            ? null
            : message.text().body();
      case "interactive":
        var interactive = message.interactive();
        if (interactive == null) {
          return null;
        }
        var choice =
            interactive.buttonReply() != null ? interactive.buttonReply() : interactive.listReply();
        if (choice == null || blank(choice.title())) {
          return null;
        }
        // The title is what the user saw and pressed; the id is what a confirmation matches on.
        return blank(choice.id()) ? choice.title() : choice.title() + " [" + choice.id() + "]";
      case "button":
        return message.button() == null || blank(message.button().text())
            ? null
            : message.button().text();
      default:
        return null;
    }
  }

  private static String sender(String waId, List<Contact> contacts) {
    for (Contact contact : WhatsAppWire.list(contacts)) {
      if (contact != null && waId.equals(contact.waId()) && contact.profile() != null) {
        return contact.profile().name();
      }
    }
    return null;
  }

  private static ConversationKey key(String waId) {
    if (blank(waId)) {
      return null;
    }
    try {
      return ConversationKey.parse("user:wa:" + waId);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void report(String where, List<WireError> wire, List<ReportedError> errors) {
    for (WireError e : WhatsAppWire.list(wire)) {
      if (e != null) {
        errors.add(
            new ReportedError(
                where, e.code() == null ? 0 : e.code(), e.title() == null ? "" : e.title()));
      }
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
