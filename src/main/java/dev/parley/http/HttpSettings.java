package dev.parley.http;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The HTTP listener's settings ({@code parley.http}). The interface defaults to loopback when no
 * API token is set, and a token-less API on another interface refuses to start: nothing
 * unauthenticated may be reachable from another machine.
 */
public record HttpSettings(
    String interfaceName,
    int port,
    String apiToken,
    Duration askTimeout,
    Duration maxWait,
    long maxBodyBytes,
    Duration shutdownDeadline) {

  public static HttpSettings from(Config root) {
    Config c = root.getConfig("parley.http");
    String token = c.getString("api-token").trim();
    String iface = c.getString("interface").trim();
    if (iface.isEmpty()) {
      iface = token.isEmpty() ? "127.0.0.1" : "0.0.0.0";
    }
    HttpSettings settings =
        new HttpSettings(
            iface,
            c.getInt("port"),
            token,
            c.getDuration("ask-timeout"),
            c.getDuration("max-wait"),
            c.getBytes("max-body-bytes"),
            c.getDuration("shutdown-deadline"));
    settings.check(root.getDuration("pekko.http.server.request-timeout"));
    return settings;
  }

  void check(Duration requestTimeout) {
    if (apiToken.isEmpty() && !isLoopback(interfaceName)) {
      throw new IllegalArgumentException(
          "PARLEY_API_TOKEN is required when the listener is not bound to loopback ("
              + interfaceName
              + ")");
    }
    if (requestTimeout.compareTo(maxWait.plusSeconds(5)) < 0) {
      throw new IllegalArgumentException(
          "pekko.http.server.request-timeout must be longer than parley.http.max-wait");
    }
  }

  static boolean isLoopback(String iface) {
    return iface.equals("localhost") || iface.startsWith("127.") || iface.equals("::1");
  }

  @Override
  public String toString() {
    return "HttpSettings[interface="
        + interfaceName
        + ", port="
        + port
        + ", apiToken="
        + (apiToken.isEmpty() ? "(none)" : "(set)")
        + "]";
  }
}
