package dev.parley.conversation;

import dev.parley.CborSerializable;
import dev.parley.llm.Usage;
import dev.parley.text.Utf16;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A turn parked until the user allows or refuses a tool call: everything needed to resume it
 * exactly where it stopped, after a restart too — the user lines, the tool calls already done, the
 * model's rounds so far with their tokens and model, the assistant's text and the calls it asked
 * for — plus who must answer ({@code askedUserId}, null: anyone in the chat) and until when.
 */
public record PendingConfirmation(
    String confirmationId,
    long turnId,
    int attempt,
    List<UserLine> user,
    List<ToolCallRecord> calls,
    int modelCalls,
    String assistantText,
    List<RequestedCall> requested,
    String question,
    String askedUserId,
    Instant expiresAt,
    Usage usage,
    String model)
    implements CborSerializable {
  private static final Set<String> YES = Set.of("yes", "y", "ok", "okay", "sure", "go ahead");
  private static final Set<String> NO = Set.of("no", "n", "nope", "cancel", "stop");

  /** As stored before a parked turn kept its tokens and model (they read as null). */
  public PendingConfirmation(
      String confirmationId,
      long turnId,
      int attempt,
      List<UserLine> user,
      List<ToolCallRecord> calls,
      int modelCalls,
      String assistantText,
      List<RequestedCall> requested,
      String question,
      String askedUserId,
      Instant expiresAt) {
    this(
        confirmationId,
        turnId,
        attempt,
        user,
        calls,
        modelCalls,
        assistantText,
        requested,
        question,
        askedUserId,
        expiresAt,
        null,
        null);
  }

  /** A tool call the model asked for, as recorded (not the model client's wire type). */
  public record RequestedCall(String callId, String name, String arguments)
      implements CborSerializable {
    public RequestedCall {
      callId = Utf16.wellFormed(callId);
      name = Utf16.wellFormed(name);
      arguments = Utf16.wellFormed(arguments);
    }
  }

  public PendingConfirmation {
    confirmationId = Utf16.wellFormed(confirmationId);
    assistantText = Utf16.wellFormed(assistantText);
    question = Utf16.wellFormed(question);
    askedUserId = Utf16.wellFormed(askedUserId);
    model = Utf16.wellFormed(model);
    user = List.copyOf(user);
    calls = List.copyOf(calls);
    requested = List.copyOf(requested);
  }

  /** Whether a message from {@code from} answers this question (it comes from the user asked). */
  boolean asks(ReplyAddress from) {
    return askedUserId == null || askedUserId.equals(from == null ? null : from.userId());
  }

  /** A "yes" (true) or "no" (false) in {@code text}; empty for anything else. */
  static Optional<Boolean> yesOrNo(String text) {
    String said = answerWords(text);
    if (YES.contains(said)) {
      return Optional.of(true);
    }
    return NO.contains(said) ? Optional.of(false) : Optional.empty();
  }

  /**
   * The words of an answer, without what addresses the bot in a group ("@bot yes", "/yes@bot") or
   * closing punctuation: "@parley_bot Yes!" is "yes".
   */
  static String answerWords(String text) {
    return text.trim()
        .toLowerCase(Locale.ROOT)
        .replaceAll("^(@\\w+[\\s,:]*)+", "")
        .replaceAll("^/(\\w+)@\\w+", "$1")
        .replaceAll("^/", "")
        .replaceAll("[.!?]+$", "")
        .trim();
  }

  /** The callback data of the yes or no button: short, well under Telegram's 64 bytes. */
  public String buttonData(boolean yes) {
    return "c:" + confirmationId + (yes ? ":y" : ":n");
  }
}
