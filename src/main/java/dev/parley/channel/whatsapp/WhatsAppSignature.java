package dev.parley.channel.whatsapp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks Meta's {@code X-Hub-Signature-256: sha256=<hex>} header: HMAC-SHA256 of the raw request
 * bytes with the app secret, compared in constant time. It runs before any parsing, over the bytes
 * exactly as received: re-serialized JSON (escapes, whitespace) would not match. A body can be fed
 * to a {@link Check} piece by piece as it arrives, so it is never copied to be checked.
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
    return start(header)
        .map(
            check -> {
              check.update(ByteBuffer.wrap(body));
              return check.matches();
            })
        .orElse(false);
  }

  /**
   * A check of one body against {@code header}, to be fed the body's bytes in order; empty when the
   * header is missing or malformed, so that no body could match it (and none needs to be read).
   */
  public Optional<Check> start(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.trim();
    if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
        || value.length() != PREFIX.length() + HEX_LENGTH) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Check(mac(), HexFormat.of().parseHex(value.substring(PREFIX.length()))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The header value Meta would send for {@code body}; what the test doubles sign with. */
  public String header(byte[] body) {
    return PREFIX + HexFormat.of().formatHex(mac().doFinal(body));
  }

  private Mac mac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  /** The HMAC of one body so far. Not thread-safe: one body, fed in order by one reader. */
  public static final class Check {
    private final Mac mac;
    private final byte[] claimed;

    private Check(Mac mac, byte[] claimed) {
      this.mac = mac;
      this.claimed = claimed;
    }

    /** Adds the next bytes of the body. */
    public void update(ByteBuffer bytes) {
      mac.update(bytes);
    }

    /** True when the bytes fed so far are the body the header signs; compared in constant time. */
    public boolean matches() {
      return MessageDigest.isEqual(mac.doFinal(), claimed);
    }
  }
}
