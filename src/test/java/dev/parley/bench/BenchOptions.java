package dev.parley.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What {@code scripts/bench} was asked to do, parsed from its command line ({@code --name value} or
 * {@code --name=value}). The help text lives in {@code scripts/bench}; a bad option is an {@link
 * IllegalArgumentException} whose message names it.
 */
record BenchOptions(
    Mode mode,
    Db db,
    Channel channel,
    long modelLatencyMs,
    int conversations,
    int connections,
    int durationSeconds,
    double rate,
    String heap,
    boolean skew,
    int warmupSeconds,
    int floorSeconds,
    boolean idleHeap,
    int turns,
    int messagesPerConversation) {

  /**
   * {@code ingest}: the model holds every call, only receipts count; {@code e2e}: a turn each;
   * {@code burst}: one message to each conversation, then the wait for every turn ({@link Burst});
   * {@code recovery}: one long conversation, a restart, and its first message ({@link Recovery});
   * {@code state}: a conversation's state in this JVM, no node ({@link StateCost}).
   */
  enum Mode {
    INGEST,
    E2E,
    BURST,
    RECOVERY,
    STATE
  }

  enum Db {
    H2,
    POSTGRES
  }

  /**
   * How messages reach the node: {@code api}, the chat API; {@code telegram} and {@code whatsapp},
   * the channel's real webhook, with replies going to a double of the channel's API ({@link
   * BenchChannel}).
   */
  enum Channel {
    API,
    TELEGRAM,
    WHATSAPP
  }

  /** How long a post waits for its turn in e2e mode ({@code ?wait=}). */
  static final int E2E_WAIT_SECONDS = 30;

  static BenchOptions parse(String[] args) {
    Mode mode = Mode.INGEST;
    Db db = Db.H2;
    Channel channel = Channel.API;
    long latency = 0;
    Integer conversations = null;
    int connections = 64;
    int duration = 30;
    double rate = 0;
    String heap = "-Xms1g -Xmx1g";
    boolean skew = false;
    boolean idleHeap = false;
    int turns = 10_000;
    // On 2 cores the JIT compiler needs about a minute under load before the node runs at its
    // steady speed; after 15 s, ingest ran at half of it (docs/performance.md).
    int warmup = 60;
    int floor = 10;
    int perConversation = 1;
    List<String> rest = split(args);
    for (int i = 0; i < rest.size(); i++) {
      String name = rest.get(i);
      if (name.equals("--skew")) {
        skew = true;
        continue;
      }
      if (name.equals("--idle-heap")) {
        idleHeap = true;
        continue;
      }
      if (i + 1 >= rest.size()) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      String value = rest.get(++i);
      switch (name) {
        case "--mode" -> mode = enumValue(Mode.class, name, value);
        case "--db" -> db = enumValue(Db.class, name, value);
        case "--channel" -> channel = enumValue(Channel.class, name, value);
        case "--messages-per-conversation" -> perConversation = (int) number(name, value, 1, 1_000);
        case "--model-latency" -> latency = number(name, value, 0, 600_000);
        case "--conversations" -> conversations = (int) number(name, value, 1, 10_000_000);
        case "--connections" -> connections = (int) number(name, value, 1, 10_000);
        case "--duration" -> duration = (int) number(name, value, 1, 3_600);
        case "--rate" -> rate = number(name, value, 1, 1_000_000);
        case "--heap" -> heap = value;
        case "--warmup" -> warmup = (int) number(name, value, 0, 600);
        case "--floor" -> floor = (int) number(name, value, 0, 600);
        case "--turns" -> turns = (int) number(name, value, 1, 1_000_000);
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    int n =
        conversations != null
            ? conversations
            : switch (mode) {
              case INGEST -> 10_000;
              case E2E -> 2_000;
              case BURST -> 5_000;
              case RECOVERY, STATE -> 1;
            };
    if (skew && n < 10) {
      throw new IllegalArgumentException("--skew needs at least 10 conversations");
    }
    if (perConversation > 1 && mode != Mode.BURST) {
      throw new IllegalArgumentException("--messages-per-conversation goes with --mode burst");
    }
    if (mode == Mode.E2E && channel != Channel.API && n <= connections) {
      // Replies are matched to posts per chat, which needs one unacknowledged post per chat at a
      // time (as Telegram sends them): a free chat must always be left for the next post.
      throw new IllegalArgumentException(
          "--channel "
              + channel.name().toLowerCase(Locale.ROOT)
              + " --mode e2e needs more --conversations ("
              + n
              + ") than --connections ("
              + connections
              + ")");
    }
    return new BenchOptions(
        mode,
        db,
        channel,
        latency,
        n,
        connections,
        duration,
        rate,
        heap,
        skew,
        warmup,
        floor,
        idleHeap,
        turns,
        perConversation);
  }

  boolean ingest() {
    return mode == Mode.INGEST;
  }

  boolean postgres() {
    return db == Db.POSTGRES;
  }

  boolean openLoop() {
    return rate > 0;
  }

  /** True when messages come through a channel's webhook rather than the chat API. */
  boolean webhooks() {
    return channel != Channel.API;
  }

  String channelName() {
    return channel.name().toLowerCase(Locale.ROOT);
  }

  /**
   * {@code ingest-h2}, {@code e2e-postgres}, {@code e2e-h2-telegram}: the run's name in file names
   * and the report (the chat API, the first channel, adds nothing, so its names stay as they were).
   */
  String label() {
    return mode.name().toLowerCase(Locale.ROOT)
        + "-"
        + db.name().toLowerCase(Locale.ROOT)
        + (webhooks() ? "-" + channelName() : "");
  }

  private static List<String> split(String[] args) {
    List<String> out = new ArrayList<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        out.add(arg.substring(0, eq));
        out.add(arg.substring(eq + 1));
      } else {
        out.add(arg);
      }
    }
    return out;
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String name, String value) {
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value)) {
        return constant;
      }
    }
    throw new IllegalArgumentException(
        name
            + ": "
            + value
            + " is not one of "
            + Arrays.stream(type.getEnumConstants())
                .map(constant -> constant.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
  }

  private static long number(String name, String value, long min, long max) {
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": not a whole number: " + value);
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(name + ": " + value + " is outside " + min + ".." + max);
    }
    return parsed;
  }
}
