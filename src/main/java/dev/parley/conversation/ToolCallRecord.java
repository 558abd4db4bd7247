package dev.parley.conversation;

import dev.parley.CborSerializable;

/**
 * One tool call of a completed turn: the model round it belongs to, the call id the model gave, the
 * tool, its arguments (JSON text) and the result that went back to the model.
 */
public record ToolCallRecord(int round, String callId, String name, String arguments, String result)
    implements CborSerializable {}
