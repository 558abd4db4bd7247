package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.parley.ScriptedModel;
import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.AwaitOutcome;
import dev.parley.conversation.ConversationCommand.MessageOutcome;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ModelException;
import dev.parley.llm.ToolCall;
import dev.parley.tool.Tool;
import dev.parley.tool.ToolContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The turn loop in motion: order, parallelism, failures, limits, on the in-memory journal. */
@ExtendWith(LogCapturingExtension.class)
class TurnLoopTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Config CONFIG =
      EntityFixture.config(
          "parley.conversation.max-inbox = 5\n"
              + "parley.conversation.max-rounds = 3\n"
              + "parley.conversation.turn-timeout = 1s\n");
  private static final Config ROOMY = EntityFixture.config("parley.conversation.max-inbox = 100");
  @RegisterExtension static final EntityKit KIT = new EntityKit(CONFIG);
  private static final ActorTestKit testKit = KIT.testKit();
  private static final PersistenceTestKit journal = KIT.journal();

  private static TestConversation spawn(Config config, ScriptedModel model) {
    return TestConversation.spawn(testKit, EntityFixture.deps(config, model));
  }

  /** Sends {@code count} messages ({@code id0}, …) from many threads at once; each is accepted. */
  private static void acceptAtOnce(TestConversation s, int count, String id, String text) {
    List<TestProbe<StatusReply<Accepted>>> probes = new ArrayList<>();
    IntStream.range(0, count).forEach(i -> probes.add(testKit.createTestProbe()));
    IntStream.range(0, count)
        .parallel()
        .forEach(
            i ->
                s.ref()
                    .tell(new AcceptMessage(id + i, text + " " + i, null, probes.get(i).getRef())));
    probes.forEach(p -> assertTrue(p.receiveMessage(WAIT).isSuccess()));
  }

  @Test
  void fiftyConcurrentMessagesGiveFiftyTurnsInArrivalOrderOneModelCallAtATime() {
    ScriptedModel model = ScriptedModel.echo();
    TestConversation s = spawn(ROOMY, model);
    acceptAtOnce(s, 50, "m", "text");
    testKit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertEquals(50, s.view().turns().size());
              return null;
            });
    List<String> arrival =
        s.events(journal).stream()
            .filter(MessageAccepted.class::isInstance)
            .map(e -> ((MessageAccepted) e).messageId())
            .toList();
    List<String> answered =
        s.events(journal).stream()
            .filter(TurnCompleted.class::isInstance)
            .map(e -> ((TurnCompleted) e).user().get(0).id())
            .toList();
    assertEquals(50, arrival.size());
    assertEquals(arrival, answered);
    List<Turn> turns = s.view().turns();
    for (Turn turn : turns) {
      String text = turn.user().get(0).text();
      assertEquals("re: " + text, turn.reply());
    }
    assertEquals(1, model.maxInFlight.get());
  }

  @Test
  void twentyConversationsHaveTwentyModelCallsInFlightAtOnce() {
    ScriptedModel model = ScriptedModel.holding();
    List<TestConversation> subjects =
        IntStream.range(0, 20).mapToObj(i -> spawn(CONFIG, model)).toList();
    subjects.forEach(s -> s.accept("m", "hello"));
    List<ScriptedModel.Call> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(model.nextCall(WAIT));
    }
    assertEquals(20, model.inFlight.get());
    calls.forEach(c -> c.answer().complete(ScriptedModel.text("hi")));
    subjects.forEach(s -> assertEquals("completed", s.outcome("m").outcome()));
  }

  @Test
  void aFailingModelLeavesTurnFailedAndNoUserMessageInHistory() {
    ScriptedModel model =
        ScriptedModel.answering(
            r -> {
              if (new ScriptedModel.Call(r, null).lastUserText().equals("doomed")) {
                throw new ModelException("http-500", "model server answered 500", true);
              }
              return ScriptedModel.text("fine");
            });
    TestConversation s = spawn(CONFIG, model);
    s.accept("m1", "doomed");
    MessageOutcome failed = s.outcome("m1");
    assertEquals("failed", failed.outcome());
    assertEquals(ConversationSettings.from(CONFIG).failureNotice(), failed.replyText());
    assertTrue(s.view().turns().isEmpty());
    assertTrue(
        s.events(journal).stream()
            .anyMatch(e -> e instanceof TurnFailed f && f.code().equals("http-500")));

    s.accept("m2", "next");
    assertEquals("completed", s.outcome("m2").outcome());
    var lastPrompt = new ArrayList<>(model.requests).get(model.requests.size() - 1).messages();
    assertTrue(
        lastPrompt.stream().noneMatch(m -> "doomed".equals(m.content())),
        "failed turn leaked into the prompt");
  }

  @Test
  void aModelCallThatNeverAnswersIsEndedByTheWatchdog() {
    ScriptedModel model = ScriptedModel.holding();
    TestConversation s = spawn(CONFIG, model);
    s.accept("m1", "hello");
    ScriptedModel.Call hung = model.nextCall(WAIT);
    MessageOutcome outcome = s.outcome("m1");
    assertEquals("failed", outcome.outcome());
    assertTrue(
        s.events(journal).stream()
            .anyMatch(e -> e instanceof TurnFailed f && f.code().equals("timeout")));
    // The late answer of the abandoned attempt is ignored: no turn appears.
    hung.answer().complete(ScriptedModel.text("too late"));
    s.accept("m2", "again");
    model.nextCall(WAIT).answer().complete(ScriptedModel.text("on time"));
    assertEquals("on time", s.outcome("m2").replyText());
    assertEquals(1, s.view().turns().size());
  }

  @Test
  void aBurstPastTheInboxCapGetsNoticesAndLosesNothingAcknowledged() {
    ScriptedModel model = ScriptedModel.holding();
    TestConversation s = spawn(CONFIG, model);
    for (int i = 0; i < 20; i++) {
      assertEquals(new Accepted("m" + i, false), s.accept("m" + i, "text " + i));
    }
    for (int i = 5; i < 20; i++) {
      MessageOutcome rejected = s.outcome("m" + i);
      assertEquals("rejected", rejected.outcome());
      // The first refusal tells the user; the rest of the minute's flood adds no notice.
      assertEquals(
          i == 5 ? ConversationSettings.from(CONFIG).inboxFullNotice() : null,
          rejected.replyText());
    }
    for (int i = 0; i < 5; i++) {
      model.nextCall(WAIT).answer().complete(ScriptedModel.text("answer " + i));
      assertEquals("completed", s.outcome("m" + i).outcome());
    }
    assertEquals(5, s.view().turns().size());
  }

  @Test
  void toolResultsAndUnknownToolsGoBackToTheModel() {
    ScriptedModel model = ScriptedModel.holding();
    TestConversation s = spawn(CONFIG, model);
    s.accept("m1", "compute");
    model
        .nextCall(WAIT)
        .answer()
        .complete(
            new ChatResponse(
                null,
                List.of(
                    new ToolCall("c1", "calculator", "{\"expression\":\"6*7\"}"),
                    new ToolCall("c2", "no_such_tool", "{}")),
                "tool_calls"));
    ScriptedModel.Call second = model.nextCall(WAIT);
    var tail = second.request().messages();
    assertEquals("42", tail.get(tail.size() - 2).content());
    assertTrue(tail.get(tail.size() - 1).content().startsWith("error: unknown tool"));
    second.answer().complete(ScriptedModel.text("it is 42"));
    assertEquals("it is 42", s.outcome("m1").replyText());
    Turn turn = s.view().turns().get(0);
    assertEquals(2, turn.toolCalls().size());
    assertEquals("42", turn.toolCalls().get(0).result());
  }

  @Test
  void halfCharactersFromTheModelAndToolsNeitherFailNorRepeatTheTurn() {
    // The model asks with an emoji and a lone surrogate in its arguments; the calculator's error
    // quotes the emoji; the reply carries a lone surrogate. One turn, completed, stored once.
    ScriptedModel model = ScriptedModel.holding();
    TestConversation s = spawn(CONFIG, model);
    s.accept("m1", "compute");
    model
        .nextCall(WAIT)
        .answer()
        .complete(
            new ChatResponse(
                "\uDE00",
                List.of(
                    new ToolCall("c1", "calculator", "{\"expression\":\"1+\uD83D\uDE00\uD83D\"}")),
                "tool_calls"));
    ScriptedModel.Call second = model.nextCall(WAIT);
    var tail = second.request().messages();
    assertEquals(
        "error: calculator failed: unexpected \"\uD83D\uDE00\" at position 3",
        tail.get(tail.size() - 1).content());
    second.answer().complete(ScriptedModel.text("no \uD83D"));
    MessageOutcome outcome = s.outcome("m1");
    assertEquals("completed", outcome.outcome());
    assertEquals("no \uFFFD", outcome.replyText());
    assertEquals(2, model.requests.size(), "the turn was not redone");
    assertEquals(
        1,
        s.events(journal).stream()
            .filter(e -> e instanceof ConversationEvent.TurnCompleted)
            .count());
  }

  @Test
  void aHugeReplyIsKeptCutToTheLimitWithANote() {
    ScriptedModel model = ScriptedModel.answering(r -> ScriptedModel.text("y".repeat(300_000)));
    TestConversation s = spawn(CONFIG, model);
    s.accept("m1", "say a lot");
    String reply = s.outcome("m1").replyText();
    assertEquals(ConversationSettings.from(CONFIG).maxReplyChars(), reply.length());
    assertTrue(reply.endsWith("… (reply cut: too long)"), reply.substring(reply.length() - 40));
  }

  @Test
  void everyToolCallOfATurnGetsItsOwnIdempotencyKeyEvenWhenTheModelRepeatsCallIds() {
    // A server that numbers calls itself says "call_0" in every round.
    ScriptedModel model =
        ScriptedModel.answering(
            r ->
                r.messages().size() < 6
                    ? new ChatResponse(
                        null,
                        List.of(
                            new ToolCall("call_0", "key_recorder", "{}"),
                            new ToolCall("call_1", "key_recorder", "{}")),
                        "tool_calls")
                    : ScriptedModel.text("done"));
    List<String> keys = new java.util.concurrent.CopyOnWriteArrayList<>();
    Tool recorder =
        new Tool() {
          @Override
          public String name() {
            return "key_recorder";
          }

          @Override
          public String description() {
            return "records the idempotency key it is called with";
          }

          @Override
          public String parametersSchema() {
            return "{\"type\": \"object\"}";
          }

          @Override
          public java.util.concurrent.CompletionStage<String> call(
              String argumentsJson, ToolContext context) {
            keys.add(context.idempotencyKey());
            return java.util.concurrent.CompletableFuture.completedFuture("ok");
          }
        };
    String key = "user:api:" + UUID.randomUUID();
    TestConversation s =
        TestConversation.spawn(testKit, key, EntityFixture.deps(ROOMY, model, recorder));
    s.accept("m1", "use the tool twice, twice");
    assertEquals("done", s.outcome("m1").replyText());
    assertEquals(4, keys.size(), keys.toString());
    assertEquals(4, new java.util.HashSet<>(keys).size(), keys.toString());
    assertTrue(keys.stream().allMatch(k -> k.startsWith(key + "/1/")), keys.toString());
  }

  @Test
  void hittingTheRoundLimitEndsTheTurnWithAClearReply() {
    ScriptedModel model =
        ScriptedModel.answering(
            r ->
                new ChatResponse(
                    null,
                    List.of(
                        new ToolCall(
                            "c" + r.messages().size(), "calculator", "{\"expression\":\"1+1\"}")),
                    "tool_calls"));
    TestConversation s = spawn(CONFIG, model);
    s.accept("m1", "loop forever");
    MessageOutcome outcome = s.outcome("m1");
    assertEquals(ConversationSettings.from(CONFIG).roundLimitReply(), outcome.replyText());
    assertEquals(3, model.requests.size());
    assertEquals(2, s.view().turns().get(0).toolCalls().size());
  }

  @Test
  void aTurnCutOffByCrashesFailsWithANoticeAfterMaxAttempts() {
    ScriptedModel model = ScriptedModel.holding();
    String key = "user:api:" + UUID.randomUUID();
    var deps = EntityFixture.deps(CONFIG, model);
    int maxAttempts = ConversationSettings.from(CONFIG).maxAttempts();
    TestConversation s = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      s = TestConversation.spawn(testKit, key, deps);
      if (attempt == 1) {
        s.accept("m1", "crashy");
      }
      model.nextCall(WAIT); // the attempt reached the model, then the entity dies
      testKit.stop(s.ref(), WAIT); // no Stop command: nothing is recorded, as in a crash
    }
    s = TestConversation.spawn(testKit, key, deps);
    MessageOutcome outcome = s.outcome("m1");
    assertEquals("failed", outcome.outcome());
    assertTrue(
        s.events(journal).stream()
            .anyMatch(e -> e instanceof TurnFailed f && f.code().equals("crash-loop")));
    assertEquals(0, model.heldCount());
  }

  @Test
  void aBurstOfAThousandCommandsIsAnsweredInFullWhilePersistsAreInFlight() {
    // Commands that arrive during a persist are stashed; the stash must hold a burst.
    ScriptedModel model = ScriptedModel.holding();
    TestConversation s = spawn(CONFIG, model);
    acceptAtOnce(s, 1000, "b", "burst");
    long receipts = s.events(journal).stream().filter(MessageAccepted.class::isInstance).count();
    long rejections =
        s.events(journal).stream()
            .filter(ConversationEvent.MessageRejected.class::isInstance)
            .count();
    assertEquals(5, receipts);
    assertEquals(995, rejections);
  }

  @Test
  void asksWaitingOnOneEntityAreCapped() {
    Config capped = EntityFixture.config("parley.conversation.max-waiting-asks = 2");
    ScriptedModel model = ScriptedModel.holding();
    TestConversation s = spawn(capped, model);
    s.accept("m1", "slow");
    List<TestProbe<StatusReply<MessageOutcome>>> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      TestProbe<StatusReply<MessageOutcome>> probe = testKit.createTestProbe();
      s.ref().tell(new AwaitOutcome("m1", probe.getRef()));
      waiting.add(probe);
    }
    StatusReply<MessageOutcome> refused = waiting.get(2).receiveMessage(WAIT);
    assertTrue(refused.isError());
    assertEquals("too-many-waiting", refused.getError().getMessage());
    model.nextCall(WAIT).answer().complete(ScriptedModel.text("done"));
    assertEquals("done", waiting.get(0).receiveMessage(WAIT).getValue().replyText());
    assertEquals("done", waiting.get(1).receiveMessage(WAIT).getValue().replyText());
  }

  @Test
  void anIdleEntityPassivatesItselfButNotWhileWorkIsPending() {
    Config quick = EntityFixture.config("parley.conversation.passivate-idle-after = 300ms");
    ScriptedModel model = ScriptedModel.holding();
    TestConversation s = spawn(quick, model);
    s.accept("m1", "hello");
    ScriptedModel.Call call = model.nextCall(WAIT);
    // A turn is running: the entity must stay, however long the model takes.
    TestProbe<Object> watcher = testKit.createTestProbe();
    watcher.expectNoMessage(Duration.ofMillis(900));
    call.answer().complete(ScriptedModel.text("done"));
    assertEquals("done", s.outcome("m1").replyText());
    watcher.expectTerminated(s.ref(), WAIT);
  }

  @Test
  void aTurnHandedOffOnPurposeIsRedoneWithoutCountingACrash() {
    ScriptedModel model = ScriptedModel.holding();
    String key = "user:api:" + UUID.randomUUID();
    var deps = EntityFixture.deps(CONFIG, model);
    int handOffs = ConversationSettings.from(CONFIG).maxAttempts() + 2;
    TestConversation s = TestConversation.spawn(testKit, key, deps);
    s.accept("m1", "long task");
    for (int i = 0; i < handOffs; i++) {
      model.nextCall(WAIT);
      TestProbe<Object> watcher = testKit.createTestProbe();
      s.ref().tell(ConversationCommand.Stop.INSTANCE); // what sharding sends on hand-off
      watcher.expectTerminated(s.ref(), WAIT);
      s = TestConversation.spawn(testKit, key, deps);
    }
    model.nextCall(WAIT).answer().complete(ScriptedModel.text("finally"));
    assertEquals("finally", s.outcome("m1").replyText());
    assertTrue(s.events(journal).stream().noneMatch(TurnFailed.class::isInstance));
  }

  @Test
  void waitersWhoseAskersGaveUpMakeRoomForNewOnes() {
    Config capped = EntityFixture.config("parley.conversation.max-waiting-asks = 2");
    ScriptedModel model = ScriptedModel.holding();
    TestConversation s = spawn(capped, model);
    s.accept("m1", "slow");
    for (int i = 0; i < 2; i++) {
      TestProbe<StatusReply<MessageOutcome>> gone = testKit.createTestProbe();
      s.ref().tell(new AwaitOutcome("m1", Duration.ofMillis(1), gone.getRef()));
    }
    TestProbe<StatusReply<MessageOutcome>> patient = testKit.createTestProbe();
    testKit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              s.ref().tell(new AwaitOutcome("m1", WAIT, patient.getRef()));
              patient.expectNoMessage(Duration.ofMillis(50));
              return null;
            });
    model.nextCall(WAIT).answer().complete(ScriptedModel.text("done"));
    assertEquals("done", patient.receiveMessage(WAIT).getValue().replyText());
  }

  @Test
  void aFailedErasureTakesUpTheWorkItDropped() {
    ScriptedModel model = ScriptedModel.holding();
    String key = "user:api:" + UUID.randomUUID();
    var base = EntityFixture.deps(CONFIG, model);
    var deps =
        new ConversationDeps(
            base.settings(),
            base.model(),
            base.tools(),
            persistenceId ->
                java.util.concurrent.CompletableFuture.failedFuture(
                    new IllegalStateException("database down")),
            base.clock(),
            base.blockingExecutor());
    TestConversation s = TestConversation.spawn(testKit, key, deps);
    s.accept("m1", "hello");
    model.nextCall(WAIT); // the turn runs when the erasure starts, and is dropped
    TestProbe<StatusReply<org.apache.pekko.Done>> erase = testKit.createTestProbe();
    s.ref().tell(new ConversationCommand.Erase(erase.getRef()));
    assertEquals("erase-failed", erase.receiveMessage(WAIT).getError().getMessage());
    // Nothing was erased: the dropped turn is taken up again without a new message.
    model.nextCall(WAIT).answer().complete(ScriptedModel.text("still here"));
    assertEquals("still here", s.outcome("m1").replyText());
  }
}
