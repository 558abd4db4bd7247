package dev.parley.bench;

import dev.parley.bench.LoadTally.Outcome;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * How one message from a user reaches the node on one channel, in that channel's real format: the
 * chat API's post, a Telegram update or a signed WhatsApp delivery; and how the node's answer to it
 * counts. Users are numbered 0..N-1 by the bench; each channel maps the number to its own ids.
 * Thread-safe.
 */
interface ChannelWire {
  /** Every message's text, about as long as a short chat line. */
  static String text(long sequence) {
    return "benchmark message " + sequence + ": about as long as a short chat line";
  }

  /** The request carrying message number {@code sequence} (unique in the run) from {@code user}. */
  HttpRequest post(long user, long sequence, Duration timeout);

  Outcome classify(HttpResponse<String> response);

  /**
   * The chat a reply to {@code user} is addressed to at the channel's double ({@code chat_id},
   * {@code to}); the chat API has no double and answers null.
   */
  String chatOf(long user);

  /** The request as the report names it. */
  String describe();
}
