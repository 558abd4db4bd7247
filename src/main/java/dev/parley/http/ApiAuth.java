package dev.parley.http;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Guards the chat and admin API: with a token, every request needs {@code Authorization: Bearer
 * <token>} (compared in constant time); without one, only connections whose own peer address is
 * loopback are served. Headers such as X-Forwarded-For are never trusted: a tunnel would make every
 * request look local. Without a token, a request that names a client at all ({@code Forwarded},
 * {@code X-Forwarded-For}, {@code X-Real-IP}) is refused: it came through a proxy on this host, so
 * its loopback peer says nothing about who sent it.
 */
final class ApiAuth {
  private static final List<String> PROXY_HEADERS =
      List.of("Forwarded", "X-Forwarded-For", "X-Real-IP");
  private final byte[] token;

  ApiAuth(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  Route require(Supplier<Route> inner) {
    return extractRequest(
        request ->
            allowed(request)
                ? inner.get()
                : JsonResponses.route(
                    JsonResponses.error(
                        StatusCodes.UNAUTHORIZED,
                        "unauthorized",
                        token.length == 0
                            ? refusalWithoutToken(request)
                            : "Send the API token as \"Authorization: Bearer <token>\".")));
  }

  private static String refusalWithoutToken(HttpRequest request) {
    return proxied(request)
        ? "No API token is configured, so only direct loopback connections are served; this"
            + " request came through a proxy. Set PARLEY_API_TOKEN to serve proxied requests."
        : "No API token is configured, so only loopback connections are served.";
  }

  private static boolean proxied(HttpRequest request) {
    for (String name : PROXY_HEADERS) {
      if (request.getHeader(name).isPresent()) {
        return true;
      }
    }
    return false;
  }

  private boolean allowed(HttpRequest request) {
    if (token.length == 0) {
      if (proxied(request)) {
        return false;
      }
      Optional<InetAddress> peer =
          request.getAttribute(AttributeKeys.remoteAddress).flatMap(RemoteAddress::getAddress);
      return peer.map(InetAddress::isLoopbackAddress).orElse(false);
    }
    return request
        .getHeader("Authorization")
        .map(h -> h.value())
        .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(
            v ->
                MessageDigest.isEqual(
                    v.substring(7).trim().getBytes(StandardCharsets.UTF_8), token))
        .orElse(false);
  }
}
