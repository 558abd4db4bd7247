package dev.parley.channel.telegram;

import org.apache.pekko.event.LogMarker;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.Logging.LogEvent;
import org.apache.pekko.event.Logging.LogEventWithCause;
import org.apache.pekko.event.Logging.LogEventWithMarker;
import org.apache.pekko.event.slf4j.Slf4jLogger;
import scala.PartialFunction;
import scala.runtime.BoxedUnit;

/**
 * Pekko's SLF4J logger (configured in {@code pekko.loggers}) with bot tokens masked in every log
 * event on the event bus. pekko-http's client pool logs through a logger of its own making, never
 * the {@code LoggingAdapter} a caller passes to {@code singleRequest} (that one reaches only the
 * connection layer), and its request lines hold the Bot API path with the token: here is the one
 * place every such line passes. An event with a token is rebuilt with the same level, source,
 * class, MDC and marker; it then carries the logger's thread and time instead of the original ones.
 */
public final class RedactingSlf4jLogger extends Slf4jLogger {
  @Override
  public void aroundReceive(PartialFunction<Object, BoxedUnit> receive, Object message) {
    super.aroundReceive(receive, message instanceof LogEvent event ? redacted(event) : message);
  }

  static LogEvent redacted(LogEvent event) {
    Object message = event.message();
    String text = message == null ? null : message.toString();
    Throwable cause = event instanceof LogEventWithCause withCause ? withCause.cause() : null;
    if (!BotTokenRedaction.leaks(text) && !BotTokenRedaction.leaks(cause)) {
      return event;
    }
    String safe = BotTokenRedaction.redact(text);
    Throwable safeCause = BotTokenRedaction.redact(cause);
    LogMarker marker = event instanceof LogEventWithMarker withMarker ? withMarker.marker() : null;
    int level = event.level();
    if (level == Logging.ErrorLevel()) {
      return new Logging.Error3(
          safeCause, event.logSource(), event.logClass(), safe, event.mdc(), marker);
    }
    if (level == Logging.WarningLevel()) {
      return safeCause == null
          ? new Logging.Warning3(event.logSource(), event.logClass(), safe, event.mdc(), marker)
          : new Logging.Warning4(
              event.logSource(), event.logClass(), safe, event.mdc(), marker, safeCause);
    }
    if (level == Logging.InfoLevel()) {
      return new Logging.Info3(event.logSource(), event.logClass(), safe, event.mdc(), marker);
    }
    return new Logging.Debug3(event.logSource(), event.logClass(), safe, event.mdc(), marker);
  }
}
