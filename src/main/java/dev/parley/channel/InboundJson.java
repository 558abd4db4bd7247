package dev.parley.channel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.parley.text.Utf16;
import java.io.IOException;

/**
 * The reading rules every channel's webhook mapper shares. Nesting is capped at {@link
 * #MAX_NESTING_DEPTH}, so a deep body is an unreadable one (an exception the route answers) instead
 * of a stack overflow in recursive binding; and every string a channel binds is well-formed UTF-16,
 * because a lone surrogate (a {@code \ud83d} escape without its pair) cannot be stored as CBOR: the
 * conversation would refuse the event, and the sender would retry the delivery for days.
 */
public final class InboundJson {
  /**
   * Deepest nesting read, in objects and arrays. Telegram's updates and Meta's payloads nest fewer
   * than ten levels; Jackson's own default (1000) lets recursive binding overflow the stack first.
   */
  public static final int MAX_NESTING_DEPTH = 64;

  private InboundJson() {}

  /** A JSON factory that refuses input nested deeper than {@link #MAX_NESTING_DEPTH}. */
  public static JsonFactory factory() {
    return JsonFactory.builder()
        .streamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
        .build();
  }

  /** Binds every {@code String} with each unpaired surrogate replaced by U+FFFD. */
  public static SimpleModule wellFormedStrings() {
    return new SimpleModule("well-formed-strings")
        .addDeserializer(String.class, new WellFormedStringDeserializer());
  }

  private static final class WellFormedStringDeserializer extends StringDeserializer {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return Utf16.wellFormed(super.deserialize(p, ctxt));
    }
  }
}
