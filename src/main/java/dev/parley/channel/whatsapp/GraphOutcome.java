package dev.parley.channel.whatsapp;

import dev.parley.channel.OutboundText;
import dev.parley.channel.whatsapp.WhatsAppWire.ErrorAnswer;
import dev.parley.channel.whatsapp.WhatsAppWire.GraphError;
import dev.parley.channel.whatsapp.WhatsAppWire.SendAnswer;
import java.io.IOException;
import java.util.Set;

/**
 * What one Graph API answer means for the send: sent (with the new message's wamid), worth retrying
 * (throughput 130429, pair rate limit 131056, Meta's temporary errors, 429, 5xx, network),
 * abandoned for good (131047 outside the 24-hour window, any other 4xx: retrying cannot help), or a
 * rejected access token (190), which needs an operator. Pure.
 */
sealed interface GraphOutcome {
  int RE_ENGAGEMENT = 131047;
  int BAD_TOKEN = 190;
  int MAX_REASON_CHARS = 200;

  /**
   * Meta's codes that clear by themselves: 130429 throughput, 131056 too many messages to one user,
   * 4 and 80007 app/account rate limits, 1, 2, 131000, 131016, 133004 temporary service errors.
   */
  Set<Integer> TRANSIENT = Set.of(1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004);

  record Sent(String wamid) implements GraphOutcome {}

  record Retry(String reason) implements GraphOutcome {}

  record Abandon(String reason) implements GraphOutcome {}

  record BadToken(String reason) implements GraphOutcome {}

  static GraphOutcome of(int status, byte[] body) {
    if (status >= 200 && status < 300) {
      return new Sent(wamid(body));
    }
    GraphError error = error(body);
    Integer code = error == null ? null : error.code();
    if (code != null && code == RE_ENGAGEMENT) {
      return new Abandon("outside the 24-hour window");
    }
    if (code != null && code == BAD_TOKEN) {
      return new BadToken("the access token is invalid or expired (Graph API error 190)");
    }
    if ((code != null && TRANSIENT.contains(code)) || status == 429 || status >= 500) {
      return new Retry("HTTP " + status + (code == null ? "" : ", Graph API error " + code));
    }
    if (status >= 400) {
      return new Abandon(title(error, status));
    }
    return new Retry("unexpected HTTP " + status);
  }

  private static String wamid(byte[] body) {
    try {
      SendAnswer answer = WhatsAppWire.MAPPER.readValue(body, SendAnswer.class);
      var messages = answer == null ? null : answer.messages();
      return messages == null || messages.isEmpty() || messages.get(0) == null
          ? null
          : messages.get(0).id();
    } catch (IOException e) {
      return null;
    }
  }

  private static GraphError error(byte[] body) {
    try {
      ErrorAnswer answer = WhatsAppWire.MAPPER.readValue(body, ErrorAnswer.class);
      return answer == null ? null : answer.error();
    } catch (IOException e) {
      return null;
    }
  }

  private static String title(GraphError error, int status) {
    if (error == null) {
      return "the Graph API answered " + status;
    }
    String title = error.errorUserTitle() != null ? error.errorUserTitle() : error.message();
    String text =
        (title == null ? "the Graph API answered " + status : title)
            + (error.code() == null ? "" : " (Graph API error " + error.code() + ")");
    // The reason is persisted with an abandoned reply: never cut inside a character.
    return OutboundText.truncate(text, MAX_REASON_CHARS);
  }
}
