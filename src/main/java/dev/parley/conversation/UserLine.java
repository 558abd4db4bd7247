package dev.parley.conversation;

import dev.parley.CborSerializable;

/** One user message as it enters a turn: its id, its text and who sent it (may be null). */
public record UserLine(String id, String text, String sender) implements CborSerializable {}
