package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.conversation.ConversationEvent.DeliveryStatusChanged;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.MessageRejected;
import dev.parley.conversation.ConversationEvent.NoteRecorded;
import dev.parley.conversation.ConversationEvent.ReplyAbandoned;
import dev.parley.conversation.ConversationEvent.ReplyDelivered;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import dev.parley.llm.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events are forever: a stored sample of each event version (as the journal holds it, Jackson CBOR
 * bytes plus manifest) must still read back as the same event. Write new samples with {@code
 * -Dparley.write-event-samples=true} when adding an event version; never rewrite old ones.
 */
class EventSamplesTest {
  private static final Path DIR = Path.of("src/test/resources/events/v1");
  private static final Instant AT = Instant.parse("2026-11-27T07:00:00Z");
  private static final ReplyAddress ADDRESS = new ReplyAddress("-100123", "7", "42");
  private static final Map<String, ConversationEvent> SAMPLES = new LinkedHashMap<>();

  static {
    SAMPLES.put("MessageAccepted", new MessageAccepted("m1", "what time is it?", "ann", AT));
    SAMPLES.put(
        "MessageRejected",
        new MessageRejected("m2", "inbox-full", "Too many pending messages.", AT));
    SAMPLES.put("TurnStarted", new TurnStarted(1, List.of("m1"), 1, AT));
    SAMPLES.put(
        "TurnCompleted",
        new TurnCompleted(
            1,
            List.of(new UserLine("m1", "what time is it?", "ann")),
            List.of(
                new ToolCallRecord(1, "call_1", "current_time", "{\"timezone\":\"UTC\"}", "noon")),
            "It is noon.",
            AT));
    SAMPLES.put(
        "TurnFailed",
        new TurnFailed(2, List.of("m3"), "http-500", "model answered 500", "Sorry.", AT));
    // Added with channel delivery: the optional reply address, and the delivery events.
    SAMPLES.put("MessageAcceptedWithAddress", new MessageAccepted("m4", "hi", "bob", AT, ADDRESS));
    SAMPLES.put(
        "MessageRejectedWithAddress",
        new MessageRejected("m5", "unsupported", "I can only read text.", AT, ADDRESS));
    SAMPLES.put(
        "TurnCompletedWithAddress",
        new TurnCompleted(
            3, List.of(new UserLine("m4", "hi", "bob", ADDRESS)), List.of(), "Hello!", AT));
    SAMPLES.put("ReplyDelivered", new ReplyDelivered("turn-3", List.of("501", "502"), AT));
    SAMPLES.put("ReplyAbandoned", new ReplyAbandoned("turn-4", "bot was blocked by the user", AT));
    SAMPLES.put("DeliveryStatusChanged", new DeliveryStatusChanged("wamid.1", "read", AT));
    SAMPLES.put("NoteRecorded", new NoteRecorded("membership", "administrator", AT));
    SAMPLES.put("TurnInterrupted", new ConversationEvent.TurnInterrupted(5, 2, AT));
    SAMPLES.put(
        "ConfirmationRequested",
        new ConversationEvent.ConfirmationRequested(
            new PendingConfirmation(
                "t6r1",
                6,
                1,
                List.of(
                    new UserLine(
                        "m6", "pay the bill", "ann", new ReplyAddress("1", null, "9", "ann"))),
                List.of(),
                1,
                "I will pay it.",
                List.of(new PendingConfirmation.RequestedCall("c1", "pay", "{\"amount\":10}")),
                "I would like to run pay with {\"amount\":10}. Shall I go ahead? (yes / no)",
                "ann",
                AT.plusSeconds(600)),
            AT));
    SAMPLES.put(
        "ConfirmationResolved",
        new ConversationEvent.ConfirmationResolved("t6r1", true, "button", null, AT));
    // Added with tools from anywhere (issue 10): the tokens and model of a turn, kept across a
    // confirmation pause.
    SAMPLES.put(
        "TurnCompletedWithUsage",
        new TurnCompleted(
            7,
            List.of(new UserLine("m7", "hi", "bob")),
            List.of(),
            "Hello!",
            AT,
            new Usage(120, 34),
            "gpt-4o-mini"));
    SAMPLES.put(
        "ConfirmationRequestedWithUsage",
        new ConversationEvent.ConfirmationRequested(
            new PendingConfirmation(
                "t8r1",
                8,
                1,
                List.of(new UserLine("m8", "pay the bill", "ann")),
                List.of(),
                1,
                "I will pay it.",
                List.of(new PendingConfirmation.RequestedCall("c1", "pay", "{\"amount\":10}")),
                "Shall I run pay?",
                null,
                AT.plusSeconds(600),
                new Usage(50, 5),
                "gpt-4o-mini"),
            AT));
    // Added with the conversation's memory (issue 10): the whole memory after a turn changed it.
    SAMPLES.put(
        "MemoryChanged",
        new ConversationEvent.MemoryChanged(List.of("Ann likes green tea", "meet on Friday"), AT));
    // Added with clear_history (issue 10): the turns before turn 9 leave the history.
    SAMPLES.put("HistoryCleared", new ConversationEvent.HistoryCleared(9, AT));
  }

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(EntityFixture.config(""));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void everyStoredEventSampleStillReads() throws IOException {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    boolean write = Boolean.getBoolean("parley.write-event-samples");
    for (var sample : SAMPLES.entrySet()) {
      String name = sample.getKey();
      ConversationEvent event = sample.getValue();
      Path bytesFile = DIR.resolve(name + ".cbor");
      Path manifestFile = DIR.resolve(name + ".manifest");
      if (write && !Files.exists(bytesFile)) { // a stored sample is never rewritten
        Files.createDirectories(DIR);
        var serializer = serialization.findSerializerFor(event);
        Files.write(bytesFile, serialization.serialize(event).get());
        Files.writeString(
            manifestFile,
            serializer.identifier() + "\n" + Serializers.manifestFor(serializer, event));
      }
      assertTrue(Files.exists(bytesFile), "no stored sample for " + name);
      String[] manifest = Files.readString(manifestFile).split("\n", 2);
      Object read =
          serialization
              .deserialize(
                  Files.readAllBytes(bytesFile), Integer.parseInt(manifest[0]), manifest[1])
              .get();
      assertEquals(event, read, name);
    }
  }
}
