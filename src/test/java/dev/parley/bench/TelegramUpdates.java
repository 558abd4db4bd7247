package dev.parley.bench;

/**
 * Telegram's webhook: {@code POST /webhooks/telegram} with a Bot API {@code Update} as Telegram
 * sends it for a private text message (unique {@code update_id}, the chat and the sender being the
 * user) and the secret in {@code X-Telegram-Bot-Api-Secret-Token}. Bench user n is Telegram user
 * and chat {@value #FIRST_USER_ID} + n.
 */
final class TelegramUpdates extends WebhookWire {
  static final long FIRST_USER_ID = 100_000_000L;

  private final String secret;

  TelegramUpdates(String apiRoot, String secret) {
    super(apiRoot, "/webhooks/telegram", "X-Telegram-Bot-Api-Secret-Token");
    this.secret = secret;
  }

  @Override
  String body(long user, long sequence) {
    long id = FIRST_USER_ID + user;
    long now = System.currentTimeMillis() / 1000;
    return "{\"update_id\":"
        + sequence
        + ",\"message\":{\"message_id\":"
        + sequence
        + ",\"from\":{\"id\":"
        + id
        + ",\"is_bot\":false,\"first_name\":\"Bench\",\"language_code\":\"en\"},"
        + "\"chat\":{\"id\":"
        + id
        + ",\"first_name\":\"Bench\",\"type\":\"private\"},\"date\":"
        + now
        + ",\"text\":\""
        + ChannelWire.text(sequence)
        + "\"}}";
  }

  @Override
  String authenticate(byte[] body) {
    return secret;
  }

  @Override
  public String chatOf(long user) {
    return Long.toString(FIRST_USER_ID + user);
  }
}
