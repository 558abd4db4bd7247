package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class HttpSettingsTest {

  @Test
  void loopbackIsAnIpLiteralOrLocalhostNeverANameThatLooksLikeOne() {
    assertTrue(HttpSettings.isLoopback("127.0.0.1"));
    assertTrue(HttpSettings.isLoopback("127.1.2.3"));
    assertTrue(HttpSettings.isLoopback("::1"));
    assertTrue(HttpSettings.isLoopback("[::1]"));
    assertTrue(HttpSettings.isLoopback("0:0:0:0:0:0:0:1"));
    assertTrue(HttpSettings.isLoopback("localhost"));
    assertFalse(HttpSettings.isLoopback("127.example.net"));
    assertFalse(HttpSettings.isLoopback("127.0.0.1.nip.io"));
    assertFalse(HttpSettings.isLoopback("127.0.0.256"));
    assertFalse(HttpSettings.isLoopback("0.0.0.0"));
    assertFalse(HttpSettings.isLoopback("::"));
    assertFalse(HttpSettings.isLoopback("10.0.0.1"));
  }

  @Test
  void aTokenlessListenerOnANameThatOnlyLooksLikeLoopbackDoesNotStart() {
    var config =
        ConfigFactory.parseString(
                "parley.http.interface = \"127.example.net\"\nparley.http.api-token = \"\"")
            .withFallback(ConfigFactory.load())
            .resolve();
    var error = assertThrows(IllegalArgumentException.class, () -> HttpSettings.from(config));
    assertTrue(error.getMessage().contains("PARLEY_API_TOKEN"), error.getMessage());
    var loopback =
        ConfigFactory.parseString("parley.http.interface = \"::1\"\nparley.http.api-token = \"\"")
            .withFallback(ConfigFactory.load())
            .resolve();
    assertEquals("::1", HttpSettings.from(loopback).interfaceName());
  }
}
