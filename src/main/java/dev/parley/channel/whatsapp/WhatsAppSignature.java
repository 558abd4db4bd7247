package dev.parley.channel.whatsapp;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks Meta's {@code X-Hub-Signature-256: sha256=<hex>} header: HMAC-SHA256 of the raw request
 * bytes with the app secret, compared in constant time. It runs before any parsing, over the bytes
 * exactly as received: re-serialized JSON (escapes, whitespace) would not match.
 */
public final class WhatsAppSignature {
  private static final String PREFIX = "sha256=";
  private static final int HEX_LENGTH = 64;

  private final SecretKeySpec key;

  public WhatsAppSignature(String appSecret) {
    this.key = new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** True only for a well-formed header whose digest matches {@code body}. */
  public boolean verify(byte[] body, String header) {
    if (header == null) {
      return false;
    }
    String value = header.trim();
    if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
        || value.length() != PREFIX.length() + HEX_LENGTH) {
      return false;
    }
    byte[] claimed;
    try {
      claimed = HexFormat.of().parseHex(value.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(digest(body), claimed);
  }

  /** The header value Meta would send for {@code body}; what the test doubles sign with. */
  public String header(byte[] body) {
    return PREFIX + HexFormat.of().formatHex(digest(body));
  }

  private byte[] digest(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
