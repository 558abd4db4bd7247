package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.parley.conversation.ConversationSettings.InboxPolicy;
import org.junit.jupiter.api.Test;

/** Settings that cannot work refuse at start-up with a line naming their key. */
class ConversationSettingsTest {

  private static ConversationSettings read(String overrides) {
    return ConversationSettings.from(
        ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve());
  }

  @Test
  void inboxPolicyIsQueueByDefaultAndMayBeCoalesce() {
    assertEquals(InboxPolicy.QUEUE, read("").inboxPolicy());
    assertEquals(
        InboxPolicy.COALESCE, read("parley.conversation.inbox-policy = coalesce").inboxPolicy());
  }

  @Test
  void anUnknownInboxPolicyRefusesNamingTheKey() {
    ConfigException e =
        assertThrows(
            ConfigException.BadValue.class, () -> read("parley.conversation.inbox-policy = batch"));
    assertTrue(e.getMessage().contains("parley.conversation.inbox-policy"), e.getMessage());
    assertTrue(e.getMessage().contains("batch"), e.getMessage());
  }

  @Test
  void aMemoryThatCouldCrowdOutTheHistoryRefusesToStart() {
    ConfigException e =
        assertThrows(
            ConfigException.BadValue.class,
            () -> read("parley.tool.memory { max-facts = 50, max-fact-chars = 500 }"));
    assertTrue(e.getMessage().contains("parley.tool.memory"), e.getMessage());
    assertTrue(e.getMessage().contains("history.max-chars (24000)"), e.getMessage());
    // The defaults fit, and so does a larger memory with a larger prompt budget.
    read("");
    read(
        "parley.tool.memory.max-facts = 50\n"
            + "parley.conversation.history.max-chars = 100000\n"
            + "parley.tool.memory.max-fact-chars = 500");
  }
}
