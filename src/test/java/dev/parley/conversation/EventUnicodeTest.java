package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.parley.text.Utf16;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every event type, built with a lone UTF-16 surrogate in each of its string fields (nested records
 * and lists included), is persisted through the real CBOR serializer and read back well-formed.
 * Jackson refuses to write a lone surrogate, so without the events' own clean-up the journal would
 * reject the event and the conversation would stop. New event types are covered by themselves: the
 * test walks the sealed interface.
 */
@ExtendWith(LogCapturingExtension.class)
class EventUnicodeTest {
  private static final String LONE = "a\uD83Db\uDE00";
  private static final Instant AT = Instant.parse("2026-12-04T12:00:00Z");
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
  void cborRefusesALoneSurrogateWhichIsWhyEventsCleanThemselves() {
    record Raw(String text) {}
    assertThrows(Exception.class, () -> new CBORMapper().writeValueAsBytes(new Raw(LONE)));
  }

  @Test
  void everyEventTypeWithLoneSurrogatesIsStoredAndReadBackWellFormed() throws Exception {
    Class<?>[] types = ConversationEvent.class.getPermittedSubclasses();
    assertTrue(types.length >= 12, "every event type: " + types.length);
    for (Class<?> type : types) {
      ConversationEvent event = (ConversationEvent) build(type);
      List<String> strings = strings(event);
      assertFalse(strings.isEmpty() && hasStringField(type), type + " built without strings");
      strings.forEach(s -> assertTrue(Utf16.isWellFormed(s), type.getSimpleName() + ": " + s));

      String pid = "EventUnicodeTest|" + UUID.randomUUID();
      var kit =
          EventSourcedBehaviorTestKit.<Persist, ConversationEvent, Integer>create(
              testKit.system(),
              recorder(pid),
              // The recorder's own command is local; the events are what is checked.
              EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false));
      var result = kit.runCommand((ActorRef<Done> to) -> new Persist(event, to));
      assertEquals(Done.getInstance(), result.reply(), type.getSimpleName());
      List<Object> stored = kit.persistenceTestKit().persistedInStorage(pid);
      assertEquals(List.of(event), stored, type.getSimpleName());
    }
  }

  /** The command of the recording behaviour: persist this event, then say done. */
  record Persist(ConversationEvent event, ActorRef<Done> replyTo) {}

  /** Persists whatever event it is told to; its state counts them. */
  private static Behavior<Persist> recorder(String pid) {
    return new EventSourcedBehavior<Persist, ConversationEvent, Integer>(
        PersistenceId.ofUniqueId(pid)) {
      @Override
      public Integer emptyState() {
        return 0;
      }

      @Override
      public CommandHandler<Persist, ConversationEvent, Integer> commandHandler() {
        return (state, cmd) ->
            Effect().persist(cmd.event()).thenRun(next -> cmd.replyTo().tell(Done.getInstance()));
      }

      @Override
      public EventHandler<Integer, ConversationEvent> eventHandler() {
        return (state, event) -> state + 1;
      }
    };
  }

  /** An instance of {@code type} with {@link #LONE} in every string, built through its record. */
  private static Object build(Type type) throws Exception {
    Class<?> raw =
        type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (raw == String.class) {
      return LONE;
    }
    if (raw == long.class || raw == Long.class) {
      return 7L;
    }
    if (raw == int.class || raw == Integer.class) {
      return 2;
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return true;
    }
    if (raw == Instant.class) {
      return AT;
    }
    if (raw == List.class) {
      return List.of(build(((ParameterizedType) type).getActualTypeArguments()[0]));
    }
    if (raw.isRecord()) {
      RecordComponent[] parts = raw.getRecordComponents();
      Object[] args = new Object[parts.length];
      Class<?>[] argTypes = new Class<?>[parts.length];
      for (int i = 0; i < parts.length; i++) {
        args[i] = build(parts[i].getGenericType());
        argTypes[i] = parts[i].getType();
      }
      var constructor = raw.getDeclaredConstructor(argTypes);
      constructor.setAccessible(true);
      return constructor.newInstance(args);
    }
    throw new IllegalArgumentException("no sample for " + type);
  }

  private static boolean hasStringField(Class<?> type) {
    for (RecordComponent part : type.getRecordComponents()) {
      if (part.getType() != long.class
          && part.getType() != int.class
          && part.getType() != boolean.class
          && part.getType() != Instant.class) {
        return true;
      }
    }
    return false;
  }

  /** Every string inside {@code value}, through records and lists. */
  private static List<String> strings(Object value) throws Exception {
    List<String> out = new ArrayList<>();
    if (value instanceof String s) {
      out.add(s);
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        out.addAll(strings(item));
      }
    } else if (value != null && value.getClass().isRecord()) {
      for (RecordComponent part : value.getClass().getRecordComponents()) {
        part.getAccessor().setAccessible(true);
        out.addAll(strings(part.getAccessor().invoke(value)));
      }
    }
    return out;
  }
}
