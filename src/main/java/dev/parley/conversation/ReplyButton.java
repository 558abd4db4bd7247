package dev.parley.conversation;

import dev.parley.CborSerializable;
import dev.parley.text.Utf16;

/**
 * A button offered with a reply: the short data the channel hands back when it is pressed (at most
 * 64 bytes, Telegram's limit for callback data) and its title.
 */
public record ReplyButton(String data, String title) implements CborSerializable {
  public ReplyButton {
    data = Utf16.wellFormed(data);
    title = Utf16.wellFormed(title);
  }
}
