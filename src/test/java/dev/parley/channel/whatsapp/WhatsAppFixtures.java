package dev.parley.channel.whatsapp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The real-format webhook payloads under {@code src/test/resources/whatsapp/}, and the numbers and
 * wamids they use, so end-to-end tests can swap in fresh ones per test.
 */
public final class WhatsAppFixtures {
  /** The user in every single-user payload. */
  public static final String USER = "16505551234";

  /** Our sent message that the status payloads report on. */
  public static final String STATUS_WAMID =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0QjdGQjhDNjRCMjFFRjE4MzMA";

  public static final String TEXT_WAMID =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUE1RkQ3NkE3RTM5MjIwQjlDNAA=";

  public static final String IMAGE_WAMID =
      "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUQ3MjlFRTZGQTg2MDFGRjBBRgA=";

  /** The second user of several.json. */
  public static final String OTHER_USER = "4915112345678";

  private WhatsAppFixtures() {}

  /** text.json from {@code user}, with message id {@code wamid} and {@code words} as its text. */
  public static String text(String user, String wamid, String words) {
    return load("text.json")
        .replace(USER, user)
        .replace(TEXT_WAMID, wamid)
        .replace("Does it come in another color?", words);
  }

  public static String load(String name) {
    try (InputStream in = WhatsAppFixtures.class.getResourceAsStream("/whatsapp/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
