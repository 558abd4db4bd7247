package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.parley.ScriptedModel;
import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.Erase;
import dev.parley.conversation.ConversationCommand.GetConversation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A conversation never has two sends out at once, and only a send's own result ends it: across an
 * erasure that fails while a send is under way, and when the watchdog gives up on a send whose
 * result never came.
 */
@ExtendWith(LogCapturingExtension.class)
class OneSendAtATimeTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String FAST_RETRY =
      "parley.conversation.delivery.retry-min = 50ms\n"
          + "parley.conversation.delivery.retry-max = 200ms\n";
  private static final Config CONFIG = EntityFixture.config(FAST_RETRY);
  @RegisterExtension static final EntityKit KIT = new EntityKit(CONFIG);
  private static final ActorTestKit testKit = KIT.testKit();

  private static ActorRef<ConversationCommand> spawn(
      Config config, FakeReplySender sender, ConversationEraser eraser) {
    String key = "user:tg:" + UUID.randomUUID();
    var base =
        EntityFixture.deps(config, ScriptedModel.echo(), new ReplySenders(Map.of("tg", sender)));
    var deps =
        new ConversationDeps(
            base.settings(),
            base.model(),
            base.tools(),
            eraser,
            base.clock(),
            base.blockingExecutor(),
            base.senders());
    return testKit.spawn(ConversationEntity.create(key, null, deps));
  }

  private static void accept(ActorRef<ConversationCommand> ref, String id, String text) {
    TestProbe<StatusReply<Accepted>> probe = testKit.createTestProbe();
    ref.tell(
        new AcceptMessage(id, text, "ann", new ReplyAddress("chat-1", null, id), probe.getRef()));
    assertTrue(probe.receiveMessage(WAIT).isSuccess());
  }

  private static TestProbe<StatusReply<Done>> erase(ActorRef<ConversationCommand> ref) {
    TestProbe<StatusReply<Done>> probe = testKit.createTestProbe();
    ref.tell(new Erase(probe.getRef()));
    return probe;
  }

  private static List<Turn> turns(ActorRef<ConversationCommand> ref) {
    TestProbe<ConversationView> probe = testKit.createTestProbe();
    ref.tell(new GetConversation(200, 0, probe.getRef()));
    return probe.receiveMessage(WAIT).turns();
  }

  private static Turn awaitDelivered(ActorRef<ConversationCommand> ref, int index) {
    return testKit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              List<Turn> turns = turns(ref);
              assertTrue(turns.size() > index, "turns: " + turns.size());
              assertEquals(Turn.Delivery.DELIVERED, turns.get(index).delivery());
              return turns.get(index);
            });
  }

  @Test
  void aFailedErasureDoesNotStartASecondSendBesideTheOneUnderWay() {
    FakeReplySender sender = new FakeReplySender();
    var ref =
        spawn(
            CONFIG,
            sender,
            id -> CompletableFuture.failedFuture(new IllegalStateException("database down")));
    accept(ref, "m1", "one");
    var first = sender.next(WAIT);
    assertEquals("erase-failed", erase(ref).receiveMessage(WAIT).getError().getMessage());
    // The failed erasure's Advance came before this read: had it sent again, the send would wait.
    turns(ref);
    assertEquals(0, sender.waiting());
    first.deliver("1");
    assertEquals(List.of("1"), awaitDelivered(ref, 0).channelMessageIds());
    accept(ref, "m2", "two");
    var second = sender.next(WAIT);
    assertEquals("re: two", second.reply().text());
    second.deliver("2");
    assertEquals(List.of("2"), awaitDelivered(ref, 1).channelMessageIds());
    assertEquals(1, sender.maxInFlight.get());
    assertEquals(0, sender.waiting());
  }

  @Test
  void aResultDuringAnErasureIsNotRecordedAndAFailedErasureSendsTheReplyAgain() {
    FakeReplySender sender = new FakeReplySender();
    CompletableFuture<Done> erasing = new CompletableFuture<>();
    var ref = spawn(CONFIG, sender, id -> erasing);
    accept(ref, "m1", "one");
    var first = sender.next(WAIT);
    var erased = erase(ref);
    // Completed on this thread, so its result reaches the entity before the erasure's failure.
    first.deliver("1");
    erasing.completeExceptionally(new IllegalStateException("database down"));
    assertEquals("erase-failed", erased.receiveMessage(WAIT).getError().getMessage());
    var again = sender.next(WAIT);
    assertEquals(first.reply().replyId(), again.reply().replyId());
    again.deliver("2");
    assertEquals(List.of("2"), awaitDelivered(ref, 0).channelMessageIds());
    assertEquals(1, sender.maxInFlight.get());
  }

  @Test
  void theWatchdogGivesUpOnALostResultAndALateOneIsIgnored() {
    Config config =
        EntityFixture.config(FAST_RETRY + "parley.conversation.delivery.send-timeout = 500ms\n");
    FakeReplySender sender = new FakeReplySender();
    var ref = spawn(config, sender, id -> CompletableFuture.completedFuture(Done.getInstance()));
    accept(ref, "m1", "one");
    var lost = sender.next(WAIT); // its result never comes in time, as if dropped
    var retry = sender.next(WAIT);
    assertEquals(lost.reply().replyId(), retry.reply().replyId());
    assertEquals(lost.reply().progressKey(), retry.reply().progressKey());
    // Both results come back in this order: the late one belongs to a send given up on.
    lost.deliver("late");
    retry.deliver("retried");
    assertEquals(List.of("retried"), awaitDelivered(ref, 0).channelMessageIds());
    // The outbox goes on: the next reply is sent, and its watchdog does not end it early.
    accept(ref, "m2", "two");
    var next = sender.next(WAIT);
    assertEquals("re: two", next.reply().text());
    next.deliver("3");
    assertEquals(List.of("3"), awaitDelivered(ref, 1).channelMessageIds());
    assertEquals(0, sender.waiting());
  }
}
