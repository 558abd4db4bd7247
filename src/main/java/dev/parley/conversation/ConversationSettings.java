package dev.parley.conversation;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.parley.tool.ConfirmationPolicy;
import dev.parley.tool.MemoryLimits;
import java.time.Duration;
import java.util.Locale;

/**
 * The conversation entity's limits and texts, read once from {@code parley.conversation} at
 * start-up. Every number here bounds memory, time or the prompt; see reference.conf for why each
 * default is what it is.
 */
public record ConversationSettings(
    String systemPrompt,
    int maxInbox,
    int maxOutbox,
    int maxRounds,
    int maxConcurrentTools,
    int maxAttempts,
    Duration turnTimeout,
    int historyMaxMessages,
    int historyMaxChars,
    int maxTextChars,
    int maxReplyChars,
    int turnsInState,
    int dedupeKeepLast,
    Duration dedupeKeepFor,
    int dedupeMax,
    int snapshotEvery,
    Duration passivateIdleAfter,
    int maxWaitingAsks,
    String failureNotice,
    String inboxFullNotice,
    String roundLimitReply,
    int groupMaxPerMinute,
    String slowDownNotice,
    String unstorableNotice,
    Duration deliveryRetryMin,
    Duration deliveryRetryMax,
    Duration deliverySendTimeout,
    Duration typingEvery,
    ConfirmationPolicy confirmation,
    Duration confirmationTimeout,
    String confirmQuestion,
    PersistFailureBackoff persistFailureBackoff,
    InboxPolicy inboxPolicy) {

  /** How a starting turn takes the messages waiting in the inbox ({@code inbox-policy}). */
  public enum InboxPolicy {
    /** Each message is its own turn, one after another. */
    QUEUE,
    /** Every message waiting when a turn starts becomes that one turn (up to max-inbox). */
    COALESCE;

    static InboxPolicy from(Config c, String path) {
      String value = c.getString(path);
      for (InboxPolicy policy : values()) {
        if (policy.name().toLowerCase(Locale.ROOT).equals(value)) {
          return policy;
        }
      }
      throw new ConfigException.BadValue(
          c.origin(),
          "parley.conversation." + path,
          "must be queue or coalesce, not \"" + value + "\"");
    }
  }

  public static ConversationSettings from(Config root) {
    Config c = root.getConfig("parley.conversation");
    if (c.getInt("max-concurrent-tools") < 1) {
      throw new ConfigException.BadValue(
          c.origin(), "parley.conversation.max-concurrent-tools", "must be at least 1");
    }
    MemoryLimits memory = MemoryLimits.from(root);
    long memoryChars = (long) memory.maxFacts() * memory.maxFactChars();
    if (memoryChars > c.getInt("history.max-chars") / 2) {
      // The memory goes into every prompt's system message, which history.max-chars counts:
      // a full memory must leave room for the earlier turns.
      throw new ConfigException.BadValue(
          root.origin(),
          "parley.tool.memory",
          "max-facts x max-fact-chars ("
              + memoryChars
              + ") must be at most half of parley.conversation.history.max-chars ("
              + c.getInt("history.max-chars")
              + "), or a full memory leaves no room for the conversation's earlier turns");
    }
    return new ConversationSettings(
        c.getString("system-prompt"),
        c.getInt("max-inbox"),
        c.getInt("max-outbox"),
        c.getInt("max-rounds"),
        c.getInt("max-concurrent-tools"),
        c.getInt("max-attempts"),
        c.getDuration("turn-timeout"),
        c.getInt("history.max-messages"),
        c.getInt("history.max-chars"),
        c.getInt("max-text-chars"),
        c.getInt("max-reply-chars"),
        c.getInt("turns-in-state"),
        c.getInt("dedupe.keep-last"),
        c.getDuration("dedupe.keep-for"),
        c.getInt("dedupe.max"),
        c.getInt("snapshot-every"),
        c.getDuration("passivate-idle-after"),
        c.getInt("max-waiting-asks"),
        c.getString("notices.failure"),
        c.getString("notices.inbox-full"),
        c.getString("notices.round-limit"),
        c.getInt("group-max-per-minute"),
        c.getString("notices.slow-down"),
        c.getString("notices.unstorable"),
        c.getDuration("delivery.retry-min"),
        c.getDuration("delivery.retry-max"),
        c.getDuration("delivery.send-timeout"),
        c.getDuration("delivery.typing-every"),
        ConfirmationPolicy.from(root),
        c.getDuration("confirmation.timeout"),
        c.getString("confirmation.question"),
        // Read once here: parsing durations from the config at every entity start showed up
        // in the profile of a node starting thousands of conversations.
        PersistFailureBackoff.from(root),
        InboxPolicy.from(c, "inbox-policy"));
  }
}
