package dev.parley.conversation;

import dev.parley.CborSerializable;

/**
 * One user message as it enters a turn: its id, its text, who sent it (may be null) and where its
 * reply goes ({@code address}, added after v1; null for the chat API).
 */
public record UserLine(String id, String text, String sender, ReplyAddress address)
    implements CborSerializable {
  public UserLine(String id, String text, String sender) {
    this(id, text, sender, null);
  }
}
