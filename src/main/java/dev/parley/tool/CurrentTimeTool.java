package dev.parley.tool;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tells the model the current date and time in a time zone (UTC unless asked otherwise), as
 * ISO-8601 with offset and zone, e.g. {@code 2026-11-27T08:15:00+01:00[Europe/Berlin]}. The time
 * comes from the injected clock, so tests and replays see a fixed instant.
 */
public final class CurrentTimeTool implements Tool {
  static final String NAME = "current_time";
  static final String DEFAULT_ZONE = "UTC";

  private static final String SCHEMA =
      """
      {"type": "object",
       "properties": {
         "timezone": {
           "type": "string",
           "description": "IANA time zone such as Europe/Berlin or America/New_York, \
      or an offset such as +02:00. Default: UTC."}
       },
       "additionalProperties": false}""";

  private final Clock clock;

  public CurrentTimeTool(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Returns the current date and time (ISO-8601 with offset and zone) in a time zone.";
  }

  @Override
  public String parametersSchema() {
    return SCHEMA;
  }

  /** Answers at once on the caller's thread: reading a clock does not block. */
  @Override
  public CompletionStage<String> call(String argumentsJson, ToolContext context) {
    try {
      String zoneName = ToolArguments.parse(argumentsJson).optionalString("timezone", DEFAULT_ZONE);
      ZonedDateTime now =
          ZonedDateTime.now(clock.withZone(zone(zoneName))).truncatedTo(ChronoUnit.SECONDS);
      return CompletableFuture.completedFuture(now.format(DateTimeFormatter.ISO_ZONED_DATE_TIME));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static ZoneId zone(String name) {
    try {
      return ZoneId.of(name.strip());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone \"" + name + "\"");
    }
  }
}
