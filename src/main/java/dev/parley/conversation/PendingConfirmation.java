package dev.parley.conversation;

import dev.parley.CborSerializable;
import dev.parley.llm.Usage;
import dev.parley.text.Utf16;
import java.time.Instant;
import java.util.List;

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

  /** The callback data of the yes or no button: short, well under Telegram's 64 bytes. */
  public String buttonData(boolean yes) {
    return "c:" + confirmationId + (yes ? ":y" : ":n");
  }
}
