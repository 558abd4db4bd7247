package dev.parley.channel.telegram;

import java.util.regex.Pattern;

/**
 * Masks bot tokens in text on its way to a log: every Bot API path is {@code /bot<id>:<secret>/},
 * and libraries that log a request line (pekko-http's client pool does) would print it whole. Text
 * without a token comes back as the same string, so the common case costs one scan.
 */
public final class BotTokenRedaction {
  /** {@code /bot} then the bot's numeric id, a colon (perhaps URL-encoded) and the secret. */
  private static final Pattern TOKEN = Pattern.compile("/bot[0-9]+(?::|%3[Aa])[^/\\s?#\"'\\]]+");

  static final String MASK = "/bot<redacted>";

  /** How deep a cause chain is searched and rebuilt; real chains are a few links long. */
  private static final int MAX_CAUSES = 16;

  private BotTokenRedaction() {}

  public static boolean leaks(String text) {
    return text != null && text.contains("/bot") && TOKEN.matcher(text).find();
  }

  /** Whether any message of the cause chain holds a token. */
  public static boolean leaks(Throwable error) {
    int depth = 0;
    for (Throwable t = error; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
      if (leaks(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  public static String redact(String text) {
    return leaks(text) ? TOKEN.matcher(text).replaceAll(MASK) : text;
  }

  /**
   * The error itself when no message of its chain holds a token; otherwise a copy of the chain in
   * which each link is a {@link Redacted} naming the original class, with the original stack.
   */
  public static Throwable redact(Throwable error) {
    return leaks(error) ? copy(error, 0) : error;
  }

  private static Throwable copy(Throwable error, int depth) {
    Throwable cause =
        error.getCause() == null || depth + 1 >= MAX_CAUSES
            ? null
            : copy(error.getCause(), depth + 1);
    Redacted safe =
        new Redacted(error.getClass().getName() + ": " + redact(error.getMessage()), cause);
    safe.setStackTrace(error.getStackTrace());
    return safe;
  }

  /** Stands in for a throwable whose message held a bot token. */
  public static final class Redacted extends RuntimeException {
    Redacted(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
