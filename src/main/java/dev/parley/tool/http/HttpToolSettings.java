package dev.parley.tool.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One HTTP tool as configured under {@code parley.tool.http.<name>}: where the call goes, how, with
 * which fixed headers, and the JSON Schema of its arguments (written as HOCON, kept as JSON text).
 * Read once at start-up; anything unusable refuses to start with a line naming the tool and key.
 */
public record HttpToolSettings(
    String name,
    String description,
    URI url,
    String method,
    String parametersSchema,
    Map<String, String> headers,
    Duration timeout,
    long maxResponseBytes,
    int maxConnections) {

  public static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH");

  // Set by Parley on every call (or by the HTTP layer): a configured value would be ignored
  // or, worse, sent twice.
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "idempotency-key",
          "x-parley-conversation",
          "content-type",
          "content-length",
          "host",
          "transfer-encoding",
          "connection");

  // RFC 9110 token: what a header name may be.
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private static final String DEFAULT_SCHEMA = "{\"type\":\"object\"}";

  public HttpToolSettings {
    headers = Map.copyOf(headers);
  }

  /** Every tool under {@code parley.tool.http} of the root configuration, sorted by name. */
  public static List<HttpToolSettings> allFrom(Config root) {
    Config http = root.getConfig("parley.tool.http");
    List<String> names = new ArrayList<>(http.root().keySet());
    names.sort(null);
    List<HttpToolSettings> all = new ArrayList<>();
    for (String name : names) {
      if (http.root().get(name).valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException(
            "parley.tool.http." + name + " must be an object (description, url, ...)");
      }
      all.add(from(name, http.getConfig("\"" + name + "\"")));
    }
    return all;
  }

  /** One tool, {@code c} being {@code parley.tool.http.<name>}. */
  public static HttpToolSettings from(String name, Config c) {
    String at = "parley.tool.http." + name;
    try {
      String description = c.hasPath("description") ? c.getString("description").strip() : "";
      if (description.isEmpty()) {
        throw new IllegalArgumentException(
            at + ".description is required: the model picks tools by it");
      }
      if (!c.hasPath("url")) {
        throw new IllegalArgumentException(at + ".url is required");
      }
      URI url = url(at, c.getString("url"));
      String method = c.hasPath("method") ? c.getString("method").toUpperCase(Locale.ROOT) : "POST";
      if (!METHODS.contains(method)) {
        throw new IllegalArgumentException(
            at + ".method must be POST, PUT or PATCH (the arguments go as the JSON body)");
      }
      String schema =
          c.hasPath("parameters")
              ? c.getConfig("parameters").root().render(ConfigRenderOptions.concise())
              : DEFAULT_SCHEMA;
      Map<String, String> headers = new LinkedHashMap<>();
      if (c.hasPath("headers")) {
        Config h = c.getConfig("headers");
        for (String header : h.root().keySet()) {
          if (!TOKEN.matcher(header).matches()
              || RESERVED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(
                at
                    + ".headers: \""
                    + header
                    + "\" cannot be configured (not a header name, or one Parley sets itself)");
          }
          // The value is never echoed: it is often a secret.
          String value = h.getString("\"" + header + "\"");
          if (value.chars().anyMatch(ch -> ch < 0x20 && ch != '\t' || ch == 0x7f)) {
            throw new IllegalArgumentException(
                at + ".headers." + header + " holds a control character");
          }
          headers.put(header, value);
        }
      }
      Duration timeout = c.hasPath("timeout") ? c.getDuration("timeout") : Duration.ofSeconds(10);
      long maxBytes =
          c.hasPath("max-response-bytes") ? c.getBytes("max-response-bytes") : 64 * 1024L;
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException(at + ".timeout must be positive");
      }
      if (maxBytes <= 0) {
        throw new IllegalArgumentException(at + ".max-response-bytes must be positive");
      }
      int connections = c.hasPath("max-connections") ? c.getInt("max-connections") : 32;
      if (connections <= 0 || connections > 4096) {
        throw new IllegalArgumentException(at + ".max-connections must be 1 to 4096");
      }
      return new HttpToolSettings(
          name, description, url, method, schema, headers, timeout, maxBytes, connections);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }

  private static URI url(String at, String text) {
    try {
      URI url = new URI(text);
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
        throw new IllegalArgumentException(at + ".url must be an absolute http(s) URL");
      }
      return url;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(at + ".url is not a URL");
    }
  }
}
