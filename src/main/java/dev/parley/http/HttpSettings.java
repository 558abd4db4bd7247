package dev.parley.http;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.regex.Pattern;

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
  private static final Pattern IPV4 =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

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

  /**
   * Whether {@code iface} is a loopback address written as an IP literal ({@code 127.0.0.1}, {@code
   * ::1}) or the name {@code localhost}. Any other name is not loopback, however it starts ({@code
   * 127.example.net} is a host on the internet); nothing is looked up in DNS.
   */
  static boolean isLoopback(String iface) {
    if (iface.equals("localhost")) {
      return true;
    }
    String literal =
        iface.startsWith("[") && iface.endsWith("]")
            ? iface.substring(1, iface.length() - 1)
            : iface;
    boolean ipv4 = IPV4.matcher(literal).matches();
    if (!ipv4 && !(literal.contains(":") && IPV6_CHARS.matcher(literal).matches())) {
      return false;
    }
    try {
      // A literal of these shapes is parsed, never resolved.
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
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
