package dev.parley.conversation;

import dev.parley.CborSerializable;
import dev.parley.text.Utf16;

/**
 * One tool call of a completed turn: the model round it belongs to, the call id the model gave, the
 * tool, its arguments (JSON text) and the result that went back to the model.
 */
public record ToolCallRecord(int round, String callId, String name, String arguments, String result)
    implements CborSerializable {
  public ToolCallRecord {
    callId = Utf16.wellFormed(callId);
    name = Utf16.wellFormed(name);
    arguments = Utf16.wellFormed(arguments);
    result = Utf16.wellFormed(result);
  }
}
