package dev.parley.conversation;

import java.util.regex.Pattern;

/**
 * The identity of one conversation: {@code user:<channel>:<id>} for a direct chat or {@code
 * group:<channel>:<chatId>[:<topic>]} for a group. The key is the sharding entity id and part of
 * the persistence id, so it is validated once at the edge: at most 200 characters, a known channel,
 * and none of {@code |}, whitespace or control characters.
 */
public record ConversationKey(String kind, String channel, String id) {
  public static final int MAX_LENGTH = 200;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.@+=:\\-]+");

  public static ConversationKey parse(String raw) {
    if (raw == null || raw.isEmpty()) {
      throw new IllegalArgumentException("the conversation key is empty");
    }
    if (raw.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "the conversation key is longer than " + MAX_LENGTH + " characters");
    }
    String[] parts = raw.split(":", 3);
    if (parts.length < 3 || parts[2].isEmpty()) {
      throw new IllegalArgumentException(
          "a conversation key looks like user:<channel>:<id> or group:<channel>:<id>");
    }
    if (!parts[0].equals("user") && !parts[0].equals("group")) {
      throw new IllegalArgumentException("a conversation key starts with user: or group:");
    }
    if (!parts[1].equals("tg") && !parts[1].equals("wa") && !parts[1].equals("api")) {
      throw new IllegalArgumentException("the channel of a conversation key is tg, wa or api");
    }
    if (!ID.matcher(parts[2]).matches()) {
      throw new IllegalArgumentException(
          "the id of a conversation key may hold letters, digits and _ . @ + = : - only");
    }
    return new ConversationKey(parts[0], parts[1], parts[2]);
  }

  public String value() {
    return kind + ":" + channel + ":" + id;
  }

  @Override
  public String toString() {
    return value();
  }
}
