package dev.parley.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.conversation.ConversationView;
import dev.parley.conversation.PendingConfirmation;
import dev.parley.conversation.ToolCallRecord;
import dev.parley.conversation.Turn;
import dev.parley.conversation.UserLine;

/**
 * Writes a {@link ConversationView} in the chat API's stable shape. Field names here are part of
 * the external interface: add fields freely, never rename.
 */
final class ConversationJson {
  private ConversationJson() {}

  static ObjectNode of(ConversationView view) {
    ObjectNode root = JsonResponses.MAPPER.createObjectNode();
    root.put("key", view.key());
    root.put("state", view.state());
    root.put("inbox", view.inbox());
    ArrayNode turns = root.putArray("turns");
    view.turns().forEach(turn -> turns.add(turn(turn)));
    root.put("moreBefore", view.moreBefore());
    PendingConfirmation pending = view.pendingConfirmation();
    if (pending == null) {
      root.putNull("pendingConfirmation");
    } else {
      ObjectNode p = root.putObject("pendingConfirmation");
      p.put("confirmationId", pending.confirmationId());
      p.put("turnId", pending.turnId());
      p.put("question", pending.question());
      ArrayNode calls = p.putArray("toolCalls");
      pending
          .requested()
          .forEach(c -> calls.addObject().put("name", c.name()).put("arguments", c.arguments()));
      p.put("expiresAt", pending.expiresAt().toString());
      // Answer with the buttons on Telegram and WhatsApp, or by posting "yes" or "no".
      p.put("answer", "post \"yes\" or \"no\" as a message");
    }
    ArrayNode memory = root.putArray("memory");
    view.memory().forEach(memory::add);
    return root;
  }

  private static ObjectNode turn(Turn turn) {
    ObjectNode node = JsonResponses.MAPPER.createObjectNode();
    node.put("turnId", turn.turnId());
    ArrayNode ids = node.putArray("messageIds");
    turn.messageIds().forEach(ids::add);
    ArrayNode user = node.putArray("user");
    for (UserLine line : turn.user()) {
      user.addObject().put("id", line.id()).put("text", line.text()).put("sender", line.sender());
    }
    ArrayNode calls = node.putArray("toolCalls");
    for (ToolCallRecord call : turn.toolCalls()) {
      calls
          .addObject()
          .put("name", call.name())
          .put("arguments", call.arguments())
          .put("result", call.result());
    }
    // The api channel has no outbound send: its replies are delivered once recorded.
    ObjectNode reply = node.putObject("reply");
    reply
        .put("text", turn.reply())
        .put("delivery", turn.delivery() == null ? null : turn.delivery().label());
    if (turn.deliveryNote() != null) {
      reply.put("note", turn.deliveryNote());
    }
    ArrayNode sent = reply.putArray("channelMessageIds");
    turn.channelMessageIds().forEach(sent::add);
    node.put("at", turn.at().toString());
    if (turn.usage() != null) {
      node.putObject("usage")
          .put("promptTokens", turn.usage().promptTokens())
          .put("completionTokens", turn.usage().completionTokens());
    }
    if (turn.model() != null) {
      node.put("model", turn.model());
    }
    return node;
  }
}
