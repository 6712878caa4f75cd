package io.raftgcs.server.raft;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Linearizable reads in cohorts, the way etcd serves them: one Ratis ReadIndex round answers every read
 * that arrived before the round started. A read asks for {@link #await()}; if fewer than
 * {@code maxInFlight} rounds are in flight one starts at once, otherwise the read joins the <em>next</em>
 * round, which starts when one in flight ends. When a round completes this replica has applied at least
 * the read index the leader handed out after every read of the cohort arrived, so each of them may then
 * be answered from local state. More rounds in flight shorten the wait of a read that just missed one,
 * at the price of more rounds (each a Ratis request, and on a follower an RPC to the leader).
 *
 * <p>Called from gRPC threads. Rounds are started, and cohorts released, on one dedicated thread: a
 * Ratis submission briefly blocks its caller, and the reads' own continuations (a local query and a gRPC
 * reply each) must not run on a Ratis thread. Soft state only.
 */
public final class ReadBarrier {
  private final Supplier<CompletableFuture<?>> round;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "read-barrier");
    t.setDaemon(true);
    return t;
  });
  private final int maxInFlight;
  private int inFlight;
  private CompletableFuture<Void> next;

  /** {@code round} performs one ReadIndex round and completes once this replica has applied its index. */
  public ReadBarrier(Supplier<CompletableFuture<?>> round, int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1");
    }
    this.round = round;
    this.maxInFlight = maxInFlight;
  }

  /** Completes once every write acknowledged before this call is applied on this replica. */
  public CompletableFuture<Void> await() {
    CompletableFuture<Void> cohort;
    boolean start;
    synchronized (this) {
      if (next == null) {
        next = new CompletableFuture<>();
      }
      cohort = next;
      start = inFlight < maxInFlight;
      if (start) {
        inFlight++;
        next = null;
      }
    }
    if (start) {
      launch(cohort);
    }
    return cohort;
  }

  private void launch(CompletableFuture<Void> cohort) {
    try {
      thread.execute(() -> {
        CompletableFuture<?> r;
        try {
          r = round.get();
        } catch (RuntimeException e) {
          r = CompletableFuture.failedFuture(e);
        }
        r.whenComplete((v, err) -> release(cohort, err));
      });
    } catch (RejectedExecutionException e) {
      cohort.completeExceptionally(new RaftUnavailableException("replica shutting down", e));
    }
  }

  private void release(CompletableFuture<Void> cohort, Throwable err) {
    CompletableFuture<Void> following;
    synchronized (this) {
      following = next;
      next = null;
      if (following == null) {
        inFlight--;
      }
    }
    if (following != null) {
      launch(following);
    }
    try {
      thread.execute(() -> finish(cohort, err));
    } catch (RejectedExecutionException e) {
      finish(cohort, err);
    }
  }

  private static void finish(CompletableFuture<Void> cohort, Throwable err) {
    if (err == null) {
      cohort.complete(null);
    } else {
      cohort.completeExceptionally(err instanceof java.util.concurrent.CompletionException && err.getCause() != null
          ? err.getCause() : err);
    }
  }

  public void close() {
    thread.shutdownNow();
  }
}
