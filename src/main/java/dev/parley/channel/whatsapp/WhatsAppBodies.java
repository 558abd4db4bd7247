package dev.parley.channel.whatsapp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The JSON bodies Parley posts to {@code /<phone-number-id>/messages}: a text message (optionally
 * replying to the user's message through {@code context}), a message with reply buttons, and the
 * read receipt with a typing indicator. Button limits are Meta's: 1 to 3 buttons, titles of at most
 * 20 characters, ids of at most 256, body of at most 1024.
 */
public final class WhatsAppBodies {
  public static final int MAX_BUTTONS = 3;
  public static final int MAX_BUTTON_TITLE = 20;
  public static final int MAX_BUTTON_ID = 256;
  public static final int MAX_BUTTON_BODY = 1024;

  /** One reply button: the id comes back in the user's {@code button_reply}, the title is shown. */
  public record ReplyButton(String id, String title) {}

  private WhatsAppBodies() {}

  /** A text message to {@code to}; {@code replyTo} (a wamid, may be null) sets the context. */
  public static byte[] text(String to, String body, String replyTo) {
    ObjectNode root = message(to, "text", replyTo);
    root.putObject("text").put("body", body).put("preview_url", false);
    return bytes(root);
  }

  /**
   * An interactive message with reply buttons. Throws IllegalArgumentException when Meta would
   * refuse it, so a caller learns at once rather than from a 400 at send time.
   */
  public static byte[] buttons(String to, String body, List<ReplyButton> buttons, String replyTo) {
    if (body == null || body.isBlank() || body.length() > MAX_BUTTON_BODY) {
      throw new IllegalArgumentException(
          "a button message needs a body of 1 to " + MAX_BUTTON_BODY + " characters");
    }
    if (buttons.isEmpty() || buttons.size() > MAX_BUTTONS) {
      throw new IllegalArgumentException("a button message has 1 to " + MAX_BUTTONS + " buttons");
    }
    Set<String> ids = new HashSet<>();
    for (ReplyButton b : buttons) {
      if (b.title() == null || b.title().isBlank() || b.title().length() > MAX_BUTTON_TITLE) {
        throw new IllegalArgumentException(
            "a button title has 1 to " + MAX_BUTTON_TITLE + " characters");
      }
      if (b.id() == null
          || b.id().isBlank()
          || b.id().length() > MAX_BUTTON_ID
          || !ids.add(b.id())) {
        throw new IllegalArgumentException(
            "button ids are unique, with 1 to " + MAX_BUTTON_ID + " characters");
      }
    }
    ObjectNode root = message(to, "interactive", replyTo);
    ObjectNode interactive = root.putObject("interactive").put("type", "button");
    interactive.putObject("body").put("text", body);
    ArrayNode wire = interactive.putObject("action").putArray("buttons");
    for (ReplyButton b : buttons) {
      wire.addObject()
          .put("type", "reply")
          .putObject("reply")
          .put("id", b.id())
          .put("title", b.title());
    }
    return bytes(root);
  }

  /** Marks the user's message {@code wamid} read and shows "typing…" until we reply (max 25 s). */
  public static byte[] readWithTyping(String wamid) {
    ObjectNode root = WhatsAppWire.MAPPER.createObjectNode();
    root.put("messaging_product", "whatsapp").put("status", "read").put("message_id", wamid);
    root.putObject("typing_indicator").put("type", "text");
    return bytes(root);
  }

  private static ObjectNode message(String to, String type, String replyTo) {
    ObjectNode root = WhatsAppWire.MAPPER.createObjectNode();
    root.put("messaging_product", "whatsapp")
        .put("recipient_type", "individual")
        .put("to", to)
        .put("type", type);
    if (replyTo != null && !replyTo.isBlank()) {
      root.putObject("context").put("message_id", replyTo);
    }
    return root;
  }

  private static byte[] bytes(ObjectNode root) {
    try {
      return WhatsAppWire.MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings is always writable", e);
    }
  }
}
