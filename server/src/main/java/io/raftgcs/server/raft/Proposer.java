package io.raftgcs.server.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftgcs.proto.ApplyResult;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.CommandResult;
import io.raftgcs.proto.LogEntryPayload;
import io.raftgcs.statemachine.Limits;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.protocol.Message;

/**
 * Turns commands into log entries. Up to {@code maxInFlight} entries are outstanding at once; commands
 * arriving meanwhile wait and leave together as one entry (group commit), so a lone request pays no
 * batching delay and a busy leader appends and fsyncs far fewer, larger entries.
 *
 * <p>Called from gRPC threads and leader-only services. Entries are handed to Ratis on one dedicated
 * thread, never on a Ratis thread: the completion of an entry arrives on Ratis's apply thread, and a
 * submission made there would stall apply while Ratis admits the new entry. The one exception is a caller
 * that says it may submit ({@link #propose(Command, boolean)}: the API's gRPC threads, never a Ratis
 * thread) finding nothing in flight: its command leaves at once as an entry of its own, on its own thread,
 * which spares a lone client a thread hand-off per write. When an entry completes, the
 * next one is handed over first; then the callers are answered, on the apply thread for a small batch and
 * on a reply thread for a big one, so that serialising dozens of replies holds up neither apply nor the
 * next entry. Soft state: the waiting queue, never replicated.
 */
public final class Proposer {
  private record Pending(Command command, int bytes, CompletableFuture<Proposed> reply) {}

  /** A command's outcome and the revision (log index) of the entry that carried it. */
  public record Proposed(CommandResult result, long revision) {}

  private final RaftNode raft;
  private final int maxInFlight;
  private final int maxBatch;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final java.util.concurrent.ExecutorService submitter =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "proposer");
        t.setDaemon(true);
        return t;
      });
  /** Replies a Ratis thread may send itself; a bigger batch's replies go to {@link #replier}. */
  private static final int INLINE_REPLIES = 4;
  private final java.util.concurrent.ExecutorService replier =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "proposer-replies");
        t.setDaemon(true);
        return t;
      });
  private final java.util.Map<com.google.protobuf.ByteString, Pending> pending = new java.util.HashMap<>();
  private int inFlight;

  public Proposer(RaftNode raft, int maxInFlight, int maxBatch) {
    this.raft = raft;
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
  }

  /**
   * Completes with the command's applied result, or fails with NotLeader/RaftUnavailable. A retry of a
   * request id that is still waiting or in flight here joins it instead of proposing it again, so client
   * retries under load do not multiply the work.
   */
  public CompletableFuture<Proposed> propose(Command command) {
    return propose(command, false);
  }

  /**
   * As {@link #propose(Command)}; {@code callerMaySubmit} says the calling thread is not a Ratis thread and
   * may block for the few microseconds Ratis takes to admit an entry, so an entry this call starts is
   * submitted right here instead of on the proposer thread.
   */
  public CompletableFuture<Proposed> propose(Command command, boolean callerMaySubmit) {
    Pending p = new Pending(command, command.getSerializedSize(), new CompletableFuture<>());
    List<Pending> batch;
    com.google.protobuf.ByteString id = command.getHeader().hasRequestId()
        ? command.getHeader().getRequestId().toByteString() : null;
    synchronized (this) {
      if (id != null) {
        Pending same = pending.get(id);
        if (same != null) {
          return same.reply().copy();
        }
        pending.put(id, p);
        p.reply().whenComplete((r, e) -> forget(id, p));
      }
      queue.addLast(p);
      batch = inFlight < maxInFlight ? takeBatchLocked() : null;
    }
    if (batch != null) {
      if (callerMaySubmit) {
        submit(batch);
      } else {
        send(batch);
      }
    }
    return p.reply();
  }

  private synchronized void forget(com.google.protobuf.ByteString id, Pending p) {
    pending.remove(id, p);
  }

  private List<Pending> takeBatchLocked() {
    if (queue.isEmpty()) {
      return null;
    }
    List<Pending> batch = new ArrayList<>();
    int bytes = 0;
    while (!queue.isEmpty() && batch.size() < maxBatch
        && (batch.isEmpty() || bytes + queue.peekFirst().bytes() + 8 <= Limits.MAX_ENTRY_BYTES)) {
      Pending p = queue.pollFirst();
      bytes += p.bytes() + 8;
      batch.add(p);
    }
    inFlight++;
    return batch;
  }

  private void send(List<Pending> batch) {
    try {
      submitter.execute(() -> submit(batch));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      complete(batch, null, new RaftUnavailableException("replica shutting down", e));
    }
  }

  private void submit(List<Pending> batch) {
    LogEntryPayload.Builder payload = LogEntryPayload.newBuilder();
    for (Pending p : batch) {
      payload.addCommands(p.command());
    }
    CompletableFuture<Message> written;
    try {
      written = raft.write(payload.build().toByteArray());
    } catch (RuntimeException e) {
      written = CompletableFuture.failedFuture(e);
    }
    written.whenComplete((msg, err) -> {
      List<Pending> next;
      synchronized (this) {
        inFlight--;
        next = takeBatchLocked();
      }
      if (next != null) {
        send(next);
      }
      if (batch.size() <= INLINE_REPLIES) {
        complete(batch, msg, err);
      } else {
        try {
          replier.execute(() -> complete(batch, msg, err));
        } catch (java.util.concurrent.RejectedExecutionException e) {
          complete(batch, msg, err);
        }
      }
    });
  }

  public void close() {
    submitter.shutdownNow();
    replier.shutdown();
  }

  private static void complete(List<Pending> batch, Message msg, Throwable err) {
    if (err == null) {
      try {
        ApplyResult result = ApplyResult.parseFrom(msg.getContent().asReadOnlyByteBuffer());
        for (int i = 0; i < batch.size(); i++) {
          CommandResult r = i < result.getResultsCount() ? result.getResults(i) : null;
          if (r == null) {
            batch.get(i).reply().completeExceptionally(
                new RaftUnavailableException("entry " + result.getRevision() + " was replayed; retry", null));
          } else {
            // A retried request id is answered with the revision at which it first took effect.
            batch.get(i).reply().complete(new Proposed(r, r.getRevision() > 0 ? r.getRevision() : result.getRevision()));
          }
        }
        return;
      } catch (InvalidProtocolBufferException e) {
        err = e;
      }
    }
    Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
        ? err.getCause() : err;
    for (Pending p : batch) {
      p.reply().completeExceptionally(cause);
    }
  }
}
