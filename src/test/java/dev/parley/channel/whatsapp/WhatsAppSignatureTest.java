package dev.parley.channel.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The signature is HMAC-SHA256 of the raw bytes, and nothing else passes. */
class WhatsAppSignatureTest {
  private static final String SECRET = "app-secret-for-tests";
  private final WhatsAppSignature signature = new WhatsAppSignature(SECRET);

  /** Non-ASCII text, escapes and odd whitespace: re-serializing would change the bytes. */
  private static final byte[] BODY =
      "{ \"object\" :\"whatsapp_business_account\",\r\n\t\"entry\":[ {\"text\":\"Grüße, café ☕ \\u00e9\"} ]  }\n"
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void knownVectorMatches() {
    // printf '%s' 'hello' | openssl dgst -sha256 -hmac 'app-secret-for-tests'
    assertEquals(
        "sha256=d9a77ceb75bf72b4f706c1c2cfbd4d3f2c50e4da3bf4fe3bfb407d35d1e4a82d",
        signature.header("hello".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rightSignatureOverRawBytesPasses() {
    assertTrue(signature.verify(BODY, signature.header(BODY)));
    assertTrue(
        signature.verify(BODY, signature.header(BODY).toUpperCase().replace("SHA256=", "sha256=")));
  }

  @Test
  void signatureOfReserializedJsonFails() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    byte[] reserialized = mapper.writeValueAsBytes(mapper.readTree(BODY));
    assertFalse(signature.verify(BODY, signature.header(reserialized)));
  }

  @Test
  void wrongMissingAndMalformedSignaturesFail() {
    String right = signature.header(BODY);
    assertFalse(signature.verify(BODY, null));
    assertFalse(signature.verify(BODY, ""));
    assertFalse(signature.verify(BODY, right.substring("sha256=".length())));
    assertFalse(signature.verify(BODY, "sha1=" + right.substring("sha256=".length())));
    assertFalse(signature.verify(BODY, right.substring(0, right.length() - 1)));
    assertFalse(signature.verify(BODY, right.substring(0, right.length() - 2) + "zz"));
    assertFalse(new WhatsAppSignature("another-secret").verify(BODY, right));
    byte[] changed = BODY.clone();
    changed[changed.length - 2] = ' ';
    assertFalse(signature.verify(changed, right));
  }

  @Test
  void aBodyFedInPiecesChecksLikeTheWhole() {
    String right = signature.header(BODY);
    for (int cut = 0; cut <= BODY.length; cut += 7) {
      WhatsAppSignature.Check check = signature.start(right).orElseThrow();
      check.update(ByteBuffer.wrap(BODY, 0, cut));
      check.update(ByteBuffer.wrap(BODY, cut, BODY.length - cut));
      assertTrue(check.matches(), "cut at " + cut);
    }
    WhatsAppSignature.Check partial = signature.start(right).orElseThrow();
    partial.update(ByteBuffer.wrap(BODY, 0, BODY.length - 1));
    assertFalse(partial.matches());
  }

  @Test
  void aMissingOrMalformedHeaderNeedsNoBody() {
    for (String header :
        new String[] {null, "", "sha256=", "sha256=zz", "sha1=" + "0".repeat(64)}) {
      assertTrue(signature.start(header).isEmpty(), "header " + header);
    }
    assertTrue(signature.start("SHA256=" + "0".repeat(64)).isPresent());
  }
}
