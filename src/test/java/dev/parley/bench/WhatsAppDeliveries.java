package dev.parley.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * WhatsApp's webhook: {@code POST /webhooks/whatsapp} with a Cloud API delivery as Meta sends it
 * for one text message (entry, changes with field {@code messages}, value with metadata, contact
 * and the message: a unique wamid, {@code from}, {@code text.body}), signed in {@code
 * X-Hub-Signature-256} with HMAC-SHA256 of the exact body bytes and the app secret. Signed here
 * with the JDK's own Mac rather than the node's code, so a bug there cannot sign its own way in.
 * Bench user n is wa_id {@value #FIRST_WA_ID} + n.
 */
final class WhatsAppDeliveries extends WebhookWire {
  static final long FIRST_WA_ID = 15_550_000_000L;

  private final String phoneNumberId;
  private final String runId = Long.toString(System.currentTimeMillis(), 36);
  private final ThreadLocal<Mac> mac;

  WhatsAppDeliveries(String apiRoot, String appSecret, String phoneNumberId) {
    super(apiRoot, "/webhooks/whatsapp", "X-Hub-Signature-256");
    this.phoneNumberId = phoneNumberId;
    SecretKeySpec key = new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.mac =
        ThreadLocal.withInitial(
            () -> {
              try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return m;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
              }
            });
  }

  @Override
  String body(long user, long sequence) {
    String waId = chatOf(user);
    return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\","
        + "\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":"
        + "{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\""
        + phoneNumberId
        + "\"},\"contacts\":[{\"profile\":{\"name\":\"Bench "
        + user
        + "\"},\"wa_id\":\""
        + waId
        + "\"}],\"messages\":[{\"from\":\""
        + waId
        + "\",\"id\":\"wamid.BENCH"
        + runId
        + "X"
        + sequence
        + "\",\"timestamp\":\""
        + System.currentTimeMillis() / 1000
        + "\",\"type\":\"text\",\"text\":{\"body\":\""
        + ChannelWire.text(sequence)
        + "\"}}]},\"field\":\"messages\"}]}]}";
  }

  @Override
  String authenticate(byte[] body) {
    // doFinal resets the Mac for the next body on this thread.
    return "sha256=" + HexFormat.of().formatHex(mac.get().doFinal(body));
  }

  @Override
  public String chatOf(long user) {
    return Long.toString(FIRST_WA_ID + user);
  }
}
