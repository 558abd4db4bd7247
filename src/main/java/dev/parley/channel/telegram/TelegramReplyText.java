package dev.parley.channel.telegram;

import dev.parley.channel.OutboundText;
import dev.parley.channel.telegram.TelegramHtml.Rendered;
import dev.parley.text.Utf16;
import java.util.ArrayList;
import java.util.List;

/**
 * A reply's Markdown as the Telegram messages to send: cut at the reply cap, lone surrogates
 * replaced, split and rendered ({@link TelegramMessageSplitter}), and a cut reply followed by the
 * notice, as plain text after a blank line in the last part, or in a part of its own when that one
 * is full. The notice stays out of the Markdown, so no open code block or emphasis can swallow it.
 */
final class TelegramReplyText {
  private final TelegramMessageSplitter splitter;
  private final int maxMessageChars;
  private final int maxReplyChars;
  private final String notice;

  TelegramReplyText(int maxMessageChars, int maxReplyChars, String notice) {
    this.splitter = new TelegramMessageSplitter(maxMessageChars);
    this.maxMessageChars = maxMessageChars;
    this.maxReplyChars = maxReplyChars;
    this.notice = notice;
  }

  List<Rendered> parts(String markdown) {
    String text = markdown == null ? "" : markdown;
    boolean cut = text.length() > maxReplyChars;
    if (cut) {
      text = OutboundText.truncate(text, maxReplyChars);
    }
    List<Rendered> parts = new ArrayList<>(splitter.split(Utf16.wellFormed(text)));
    if (cut) {
      withNotice(parts);
    }
    return parts;
  }

  private void withNotice(List<Rendered> parts) {
    String html = TelegramHtml.escape(notice);
    int last = parts.size() - 1;
    if (last >= 0 && parts.get(last).visibleLength() + 2 + notice.length() <= maxMessageChars) {
      Rendered end = parts.get(last);
      parts.set(last, new Rendered(end.html() + "\n\n" + html, end.plain() + "\n\n" + notice));
    } else {
      parts.add(new Rendered(html, notice));
    }
  }
}
