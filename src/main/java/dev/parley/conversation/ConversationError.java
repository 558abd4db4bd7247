package dev.parley.conversation;

import java.util.Arrays;
import java.util.Optional;
import org.apache.pekko.pattern.StatusReply;

/**
 * The error codes a conversation answers with ({@code StatusReply.error(code)}): a closed set,
 * shared with the HTTP layer, which maps each to its status in one place. The codes are on the wire
 * (API error bodies, and replies crossing nodes during a rolling update): never change one.
 */
public enum ConversationError {
  /** An erasure is under way: retry, the conversation comes back empty. */
  ERASING("erasing"),
  /** Too many asks already wait for outcomes on this conversation. */
  TOO_MANY_WAITING("too-many-waiting"),
  /** The text is missing or longer than {@code max-text-chars}. */
  TEXT_TOO_LONG("text-too-long"),
  /** No message of that id is remembered. */
  UNKNOWN_MESSAGE("unknown-message"),
  /** A channel status outside sent, delivered, read, failed. */
  UNKNOWN_STATUS("unknown-status"),
  /** The eraser's transaction failed; nothing was erased. */
  ERASE_FAILED("erase-failed"),
  /** The journal refused what was to be stored, and its replacement too. */
  UNSTORABLE("unstorable"),
  /** The entity stopped (passivation, hand-off) before the outcome was known. */
  STOPPED("stopped"),
  /** The conversation was erased before the outcome was known. */
  ERASED("erased");

  private final String code;

  ConversationError(String code) {
    this.code = code;
  }

  /** The code as it goes on the wire. */
  public String code() {
    return code;
  }

  /** This error as the answer to an ask. */
  public <T> StatusReply<T> reply() {
    return StatusReply.error(code);
  }

  /** The error with this wire code, if it is one of ours. */
  public static Optional<ConversationError> ofCode(String code) {
    return Arrays.stream(values()).filter(e -> e.code.equals(code)).findFirst();
  }
}
