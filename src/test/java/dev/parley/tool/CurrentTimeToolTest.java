package dev.parley.tool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class CurrentTimeToolTest {
  private static final ToolContext CONTEXT = new ToolContext("user:api:1", "k", Runnable::run);

  // Sub-second part on purpose: the answer is truncated to seconds.
  private final Clock clock =
      Clock.fixed(Instant.parse("2026-11-27T07:15:00.750Z"), ZoneOffset.ofHours(5));
  private final CurrentTimeTool tool = new CurrentTimeTool(clock);

  private String call(String arguments) throws Exception {
    return tool.call(arguments, CONTEXT).toCompletableFuture().get(5, SECONDS);
  }

  @Test
  void defaultsToUtcWhateverTheClocksZone() throws Exception {
    assertEquals("2026-11-27T07:15:00Z[UTC]", call("{}"));
    assertEquals("2026-11-27T07:15:00Z[UTC]", call(""));
    assertEquals("2026-11-27T07:15:00Z[UTC]", call("{\"timezone\": \"\"}"));
  }

  @Test
  void answersInANamedZone() throws Exception {
    assertEquals(
        "2026-11-27T08:15:00+01:00[Europe/Berlin]", call("{\"timezone\": \"Europe/Berlin\"}"));
    assertEquals(
        "2026-11-27T02:15:00-05:00[America/New_York]",
        call("{\"timezone\": \"America/New_York\"}"));
  }

  @Test
  void acceptsAFixedOffset() throws Exception {
    assertEquals("2026-11-27T09:15:00+02:00", call("{\"timezone\": \"+02:00\"}"));
  }

  @Test
  void unknownZoneFailsTheStageWithAClearMessage() {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> call("{\"timezone\": \"Mars/Base\"}"));
    assertEquals("unknown time zone \"Mars/Base\"", e.getCause().getMessage());
  }

  @Test
  void nonStringZoneFailsTheStage() {
    ExecutionException e = assertThrows(ExecutionException.class, () -> call("{\"timezone\": 1}"));
    assertEquals("argument \"timezone\" must be a string", e.getCause().getMessage());
  }

  @Test
  void schemaIsAJsonSchemaObject() {
    JsonNode schema = ToolArguments.schemaObject(tool.parametersSchema());
    assertEquals("object", schema.get("type").asText());
    assertEquals("string", schema.at("/properties/timezone/type").asText());
  }
}
