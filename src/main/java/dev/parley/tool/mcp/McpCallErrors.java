package dev.parley.tool.mcp;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpTransportException;
import io.modelcontextprotocol.spec.McpTransportSessionClosedException;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * What a failed MCP call's error means: the connection gone, or one bad answer; and how to say it.
 */
final class McpCallErrors {
  private McpCallErrors() {}

  /**
   * Whether {@code error} means the connection is gone (refused, reset, the session closed or no
   * longer known), not that one response was bad: the first of those kinds in its cause chain
   * decides, an {@link McpTransportException} (a bad response, which may wrap the JSON parser's
   * IOException) meaning the response.
   */
  static boolean connectionLost(Throwable error) {
    for (Throwable cause = error; cause != null; cause = next(cause)) {
      if (cause instanceof McpTransportSessionClosedException
          || cause instanceof McpTransportSessionNotFoundException
          || cause instanceof IOException) {
        return true;
      }
      if (cause instanceof McpTransportException
          || cause instanceof McpError
          || cause instanceof TimeoutException) {
        return false;
      }
    }
    return false;
  }

  private static Throwable next(Throwable cause) {
    return cause.getCause() == cause ? null : cause.getCause();
  }

  /**
   * The first line of the most telling message in {@code error}'s chain, without the response body
   * the SDK may add, cut to 80 characters.
   */
  static String brief(Throwable error) {
    Throwable shown = error;
    for (Throwable cause = error; cause != null; cause = next(cause)) {
      if (cause instanceof McpTransportException) {
        shown = cause;
        break;
      }
      if (!(cause instanceof CompletionException) || cause.getCause() == null) {
        shown = cause;
        break;
      }
    }
    String message = shown.getMessage();
    if (message == null || message.isBlank()) {
      return shown.getClass().getSimpleName();
    }
    String line = message.strip().lines().findFirst().orElse("");
    // The SDK's messages go on with the response: "..., response body: <body>",
    // "Error deserializing JSON-RPC message: <body>".
    int body = line.indexOf("response body");
    if (body >= 0) {
      line = line.substring(0, body).replaceAll("[,:\\s]+$", "");
    }
    int rpc = line.indexOf("message: ");
    if (rpc >= 0) {
      line = line.substring(0, rpc + "message".length());
    }
    return line.length() <= 80 ? line : line.substring(0, 80) + "…";
  }
}
