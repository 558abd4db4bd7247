package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.parley.ScriptedModel;
import dev.parley.conversation.ConversationCommand.Erase;
import dev.parley.conversation.ConversationCommand.GetConversation;
import dev.parley.conversation.ConversationCommand.PressButton;
import dev.parley.llm.ChatMessage;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A tool that needs the user's yes: the turn parks, asks, survives a restart, and goes on. */
@ExtendWith(LogCapturingExtension.class)
class ConfirmationTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Config CONFIG =
      EntityFixture.config("parley.tool.require-confirmation = [calculator]");
  @RegisterExtension static final EntityKit KIT = new EntityKit(CONFIG);
  private static final ActorTestKit testKit = KIT.testKit();

  /** Asks for the calculator once, then states the tool's result. */
  static ScriptedModel model() {
    return ScriptedModel.answering(
        r -> {
          ChatMessage last = r.messages().get(r.messages().size() - 1);
          if (last.role().equals("tool")) {
            return ScriptedModel.text("result: " + last.content());
          }
          return new ChatResponse(
              "Let me compute that.",
              List.of(new ToolCall("c1", "calculator", "{\"expression\":\"6*7\"}")),
              "tool_calls");
        });
  }

  private static TestConversation spawn(String key, FakeReplySender sender) {
    var senders = sender == null ? ReplySenders.none() : new ReplySenders(Map.of("tg", sender));
    return spawnWith(key, EntityFixture.deps(CONFIG, model(), senders));
  }

  private static TestConversation spawnWith(String key, ConversationDeps deps) {
    return TestConversation.spawn(testKit, key, deps);
  }

  private static void accept(TestConversation s, String id, String text, String userId) {
    s.accept(id, text, userId, new ReplyAddress("chat", null, id, userId));
  }

  private static ConversationView awaitState(TestConversation s, String state) {
    TestProbe<ConversationView> probe = testKit.createTestProbe();
    return probe.awaitAssert(
        WAIT,
        () -> {
          s.ref().tell(new GetConversation(50, 0, probe.getRef()));
          ConversationView view = probe.receiveMessage(WAIT);
          assertEquals(state, view.state());
          return view;
        });
  }

  private static String press(TestConversation s, String data, String userId) {
    TestProbe<StatusReply<String>> probe = testKit.createTestProbe();
    s.ref().tell(new PressButton(data, userId, probe.getRef()));
    return probe.receiveMessage(WAIT).getValue();
  }

  @Test
  void theToolRunsOnlyAfterTheYesButtonAndTheQuestionCarriesButtons() {
    FakeReplySender sender = new FakeReplySender();
    TestConversation s = spawn("user:tg:" + UUID.randomUUID(), sender);
    accept(s, "m1", "what is 6*7?", "42");
    PendingConfirmation pending = awaitState(s, "awaiting-confirmation").pendingConfirmation();
    assertTrue(pending.question().contains("calculator"), pending.question());
    var question = sender.next(WAIT);
    assertEquals(pending.question(), question.reply().text());
    assertEquals(
        List.of(pending.buttonData(true), pending.buttonData(false)),
        question.reply().buttons().stream().map(ReplyButton::data).toList());
    assertTrue(pending.buttonData(true).getBytes().length <= 64);
    question.deliver("100");
    assertEquals("accepted", press(s, pending.buttonData(true), "42"));
    assertEquals("result: 42", s.outcome("m1").replyText());
    Turn turn = awaitState(s, "idle").turns().get(0);
    assertEquals("42", turn.toolCalls().get(0).result());
    assertEquals("expired", press(s, pending.buttonData(true), "42"));
  }

  @Test
  void theQuestionQuotesLongArgumentsCutBetweenCharacters() {
    // 300 characters of arguments are quoted; the 300th and 301st are one emoji.
    String arguments = "{\"expression\":\"" + "1".repeat(284) + "\uD83D\uDE00\"}";
    ScriptedModel asking =
        ScriptedModel.answering(
            r ->
                new ChatResponse(
                    null, List.of(new ToolCall("c1", "calculator", arguments)), "tool_calls"));
    TestConversation s =
        spawnWith("user:api:" + UUID.randomUUID(), EntityFixture.deps(CONFIG, asking));
    accept(s, "m1", "compute", null);
    String question = awaitState(s, "awaiting-confirmation").pendingConfirmation().question();
    assertTrue(question.contains("1".repeat(284) + "…"), question);
    assertFalse(question.contains("\uFFFD"), "no half character was replaced: " + question);
  }

  @Test
  void noRefusesTheCallAndTheModelHearsSo() {
    TestConversation s = spawn("user:tg:" + UUID.randomUUID(), new FakeReplySender());
    accept(s, "m1", "what is 6*7?", "42");
    PendingConfirmation pending = awaitState(s, "awaiting-confirmation").pendingConfirmation();
    assertEquals("accepted", press(s, pending.buttonData(false), "42"));
    assertTrue(s.outcome("m1").replyText().contains("did not allow calculator"));
  }

  @Test
  void aYesMessageAnswersAndJoinsTheTurn() {
    TestConversation s = spawn("user:api:" + UUID.randomUUID(), null);
    accept(s, "m1", "what is 6*7?", null);
    awaitState(s, "awaiting-confirmation");
    accept(s, "m2", "Yes!", null);
    assertEquals("result: 42", s.outcome("m2").replyText());
    Turn turn = awaitState(s, "idle").turns().get(0);
    assertEquals(List.of("m1", "m2"), turn.messageIds());
  }

  @Test
  void anotherMessageRefusesTheCallAndGetsItsOwnTurn() {
    TestConversation s = spawn("user:api:" + UUID.randomUUID(), null);
    accept(s, "m1", "what is 6*7?", null);
    awaitState(s, "awaiting-confirmation");
    accept(s, "m2", "never mind, tell me a joke", null);
    assertTrue(s.outcome("m1").replyText().contains("did not allow"));
    // m2 starts a turn of its own, which asks again.
    PendingConfirmation again = awaitState(s, "awaiting-confirmation").pendingConfirmation();
    assertEquals(List.of("m2"), again.user().stream().map(UserLine::id).toList());
  }

  @Test
  void inAGroupOnlyTheUserAskedCanAnswer() {
    TestConversation s = spawn("group:tg:" + UUID.randomUUID(), new FakeReplySender());
    accept(s, "m1", "@bot what is 6*7?", "ann");
    PendingConfirmation pending = awaitState(s, "awaiting-confirmation").pendingConfirmation();
    assertEquals("ann", pending.askedUserId());
    assertEquals("not-yours", press(s, pending.buttonData(true), "bob"));
    accept(s, "m2", "yes", "bob"); // bob's message waits; it does not answer for ann
    assertNotNull(awaitState(s, "awaiting-confirmation").pendingConfirmation());
    assertEquals("accepted", press(s, pending.buttonData(true), "ann"));
    assertEquals("result: 42", s.outcome("m1").replyText());
  }

  @Test
  void theSameTurnAskingAgainAfterAnErasureMakesTheOldButtonsCountForNothing() {
    // Erasure as the database does it: the conversation's rows are gone.
    ConversationDeps deps =
        EntityFixture.erasingFrom(
            EntityFixture.deps(
                CONFIG, model(), new ReplySenders(Map.of("tg", new FakeReplySender()))),
            PersistenceTestKit.create(testKit.system()));
    TestConversation s = spawnWith("user:tg:" + UUID.randomUUID(), deps);
    accept(s, "m1", "what is 6*7?", "42");
    PendingConfirmation first = awaitState(s, "awaiting-confirmation").pendingConfirmation();
    TestProbe<StatusReply<Done>> erased = testKit.createTestProbe();
    s.ref().tell(new Erase(erased.getRef()));
    assertTrue(erased.receiveMessage(WAIT).isSuccess());
    // The erased conversation starts again: its first turn is turn 1 again, and asks again.
    TestConversation after = s.restarted();
    accept(after, "m1", "what is 6*7?", "42");
    PendingConfirmation second = awaitState(after, "awaiting-confirmation").pendingConfirmation();
    assertEquals(first.turnId(), second.turnId());
    assertNotEquals(first.confirmationId(), second.confirmationId());
    // A press of the first question's button, delivered late, does not answer the second.
    assertEquals("expired", press(after, first.buttonData(true), "42"));
    assertEquals("awaiting-confirmation", awaitState(after, "awaiting-confirmation").state());
    assertEquals("accepted", press(after, second.buttonData(true), "42"));
    assertEquals("result: 42", after.outcome("m1").replyText());
  }

  @Test
  void aParkedTurnSurvivesARestartAndTimesOut() {
    Config quick =
        EntityFixture.config(
            "parley.tool.require-confirmation = [calculator]\n"
                + "parley.conversation.confirmation.timeout = 1s");
    TestConversation s =
        spawnWith("user:api:" + UUID.randomUUID(), EntityFixture.deps(quick, model()));
    accept(s, "m1", "what is 6*7?", null);
    awaitState(s, "awaiting-confirmation");
    testKit.stop(s.ref(), WAIT);
    TestConversation after = s.restarted();
    // The question outlives the restart; its timeout (re-armed on recovery) refuses the call.
    assertTrue(after.outcome("m1").replyText().contains("did not allow"));
    assertNull(awaitState(after, "idle").pendingConfirmation());
  }

  @Test
  void aYesIsTakenEvenWhenTheInboxIsFull() {
    Config full =
        EntityFixture.config(
            "parley.tool.require-confirmation = [calculator]\n"
                + "parley.conversation.max-inbox = 1");
    TestConversation s =
        spawnWith("user:api:" + UUID.randomUUID(), EntityFixture.deps(full, model()));
    accept(s, "m1", "what is 6*7?", null);
    awaitState(s, "awaiting-confirmation"); // m1 fills the inbox of one
    accept(s, "m2", "yes", null);
    // Refused as a new message, the answer would leave the turn parked until the timeout.
    assertEquals("result: 42", s.outcome("m2").replyText());
    assertEquals(List.of("m1", "m2"), awaitState(s, "idle").turns().get(0).messageIds());
  }

  @Test
  void anAnswerIsReadWithoutWhatAddressesTheBot() {
    assertEquals("yes", PendingConfirmation.answerWords("@parley_bot Yes!"));
    assertEquals("no", PendingConfirmation.answerWords("/no@parley_bot"));
    assertEquals("yes", PendingConfirmation.answerWords("  yes. "));
    assertEquals("ok", PendingConfirmation.answerWords("@a @b, ok"));
    assertEquals("tell me more", PendingConfirmation.answerWords("Tell me more"));
  }
}
