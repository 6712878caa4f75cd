package io.raftgcs.server.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cohort rules of {@link ReadBarrier}, with rounds the test completes by hand. */
class ReadBarrierTest {
  /** Rounds started by the barrier, in order; the test completes them. */
  private final LinkedBlockingQueue<CompletableFuture<Object>> rounds = new LinkedBlockingQueue<>();
  private ReadBarrier barrier;

  private ReadBarrier barrier(int maxInFlight) {
    barrier = new ReadBarrier(() -> {
      CompletableFuture<Object> r = new CompletableFuture<>();
      rounds.add(r);
      return r;
    }, maxInFlight);
    return barrier;
  }

  @AfterEach
  void close() {
    if (barrier != null) {
      barrier.close();
    }
  }

  private CompletableFuture<Object> nextRound() throws InterruptedException {
    CompletableFuture<Object> r = rounds.poll(5, TimeUnit.SECONDS);
    assertTrue(r != null, "a round should have started");
    return r;
  }

  private static void done(CompletableFuture<Void> read) throws Exception {
    read.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aLoneReadStartsARoundAndCompletesWithIt() throws Exception {
    CompletableFuture<Void> read = barrier(1).await();
    CompletableFuture<Object> round = nextRound();
    Thread.sleep(50);
    assertFalse(read.isDone(), "a read must wait for its round");
    round.complete(null);
    done(read);
  }

  @Test
  void readsArrivingDuringARoundWaitForTheNextOneWhichTheyShare() throws Exception {
    ReadBarrier b = barrier(1);
    CompletableFuture<Void> first = b.await();
    CompletableFuture<Object> round1 = nextRound();
    CompletableFuture<Void> second = b.await();
    CompletableFuture<Void> third = b.await();
    Thread.sleep(50);
    assertTrue(rounds.isEmpty(), "only one round in flight");

    round1.complete(null);
    done(first);
    // The round that was in flight when they arrived must not answer them: it may predate their writes.
    CompletableFuture<Object> round2 = nextRound();
    Thread.sleep(50);
    assertFalse(second.isDone());
    assertFalse(third.isDone());
    assertTrue(rounds.isEmpty(), "the two waiting reads share one round");

    round2.complete(null);
    done(second);
    done(third);
  }

  @Test
  void aFailedRoundFailsOnlyItsCohort() throws Exception {
    ReadBarrier b = barrier(1);
    CompletableFuture<Void> first = b.await();
    CompletableFuture<Object> round1 = nextRound();
    CompletableFuture<Void> second = b.await();

    round1.completeExceptionally(new NotLeaderException("n2", "not the leader"));
    ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(5, TimeUnit.SECONDS));
    assertInstanceOf(NotLeaderException.class, e.getCause());

    nextRound().complete(null);
    done(second);
  }

  @Test
  void withTwoInFlightASecondReadStartsAtOnce() throws Exception {
    ReadBarrier b = barrier(2);
    CompletableFuture<Void> first = b.await();
    CompletableFuture<Object> round1 = nextRound();
    CompletableFuture<Void> second = b.await();
    CompletableFuture<Object> round2 = nextRound();
    CompletableFuture<Void> third = b.await();
    Thread.sleep(50);
    assertTrue(rounds.isEmpty(), "at most two rounds in flight");

    round2.complete(null);
    done(second);
    assertFalse(first.isDone(), "rounds answer only their own cohort");
    CompletableFuture<Object> round3 = nextRound();
    round1.complete(null);
    done(first);
    assertFalse(third.isDone());
    round3.complete(null);
    done(third);
    assertEquals(0, rounds.size());
  }

  @Test
  void aRoundSupplierThatThrowsFailsItsCohort() throws Exception {
    barrier = new ReadBarrier(() -> {
      throw new RaftUnavailableException("closed", null);
    }, 1);
    ExecutionException e = assertThrows(ExecutionException.class, () -> barrier.await().get(5, TimeUnit.SECONDS));
    assertInstanceOf(RaftUnavailableException.class, e.getCause());
  }
}
