package dev.parley.conversation;

import dev.parley.CborSerializable;
import dev.parley.text.Utf16;

/**
 * One user message as it enters a turn: its id, its text, who sent it (may be null) and where its
 * reply goes ({@code address}, added after v1; null for the chat API).
 */
public record UserLine(String id, String text, String sender, ReplyAddress address)
    implements CborSerializable {
  public UserLine {
    id = Utf16.wellFormed(id);
    text = Utf16.wellFormed(text);
    sender = Utf16.wellFormed(sender);
  }

  public UserLine(String id, String text, String sender) {
    this(id, text, sender, null);
  }
}
