package dev.parley.channel.telegram;

/** Who the bot is, from getMe: its user id and username (without the @). */
public record BotIdentity(long id, String username) {
  /** Whether {@code name} (with or without a leading @) is this bot's username. */
  public boolean isNamed(String name) {
    String bare = name.startsWith("@") ? name.substring(1) : name;
    return username != null && username.equalsIgnoreCase(bare);
  }
}
