package io.raftgcs.server.pubsub;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.Progress;
import io.raftgcs.proto.SubscribeResponse;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One subscription stream, in two phases. Catching up: it reads the batches from its cursor up to the
 * revision at which the bus started routing to it (the ring, or the persisted history when older). Tailing:
 * the bus's dispatcher pushes only the batches that concern it into its own bounded queue, and the drain
 * loop sends them. While its queue is empty, the subscriber is as far as everything the bus has routed,
 * which is what its bookmarks report. A subscriber that cannot keep up (too far behind, its queue too long,
 * or not writable for too long) is cut off with RESOURCE_EXHAUSTED and the revision to resume from.
 *
 * <p>Threads: {@link #offer}, {@link #joined} and {@link #reloaded} from the dispatcher; {@link #wake} and
 * {@link #tick} from anywhere; the drain loop runs on the bus's sender pool, serialized by {@code wakeups},
 * and is the only reader of the queue and the only sender. Soft state.
 */
final class Subscriber {
  static final Metadata.Key<String> RESUME = Metadata.Key.of("gcs-resume-revision", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> OLDEST = Metadata.Key.of("gcs-oldest-revision", Metadata.ASCII_STRING_MARSHALLER);
  private static final int PAGE = 256;

  /**
   * Queue entry: catch up through {@code revision} from history, on joining the bus's routing
   * ({@code join}) and after a snapshot install. Only the join entry means batches are routed here.
   */
  private record CatchUp(long revision, boolean join) {}

  private final EventBus bus;
  private final EventFilter filter;
  private final ServerCallStreamObserver<SubscribeResponse> out;
  private final long progressIntervalNanos;
  private final long maxLag;
  private final long stallNanos;
  private final AtomicInteger wakeups = new AtomicInteger();
  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  // drain-loop state
  private long cursor;
  private long catchUpTo = -1;
  private boolean routed;
  // shared flags
  private volatile long lastSentNanos = System.nanoTime();
  private volatile long notReadySinceNanos;
  private volatile boolean progressDue;
  private volatile boolean closed;
  private volatile boolean shutdownRequested;
  private volatile boolean overflowed;
  private volatile boolean startBookmarkDue = true;

  Subscriber(EventBus bus, EventFilter filter, ServerCallStreamObserver<SubscribeResponse> out, long cursor,
      long progressIntervalMs, long maxLag, long stallMs) {
    this.bus = bus;
    this.filter = filter;
    this.out = out;
    this.cursor = cursor;
    this.progressIntervalNanos = progressIntervalMs * 1_000_000L;
    this.maxLag = maxLag;
    this.stallNanos = stallMs * 1_000_000L;
  }

  EventFilter filter() {
    return filter;
  }

  /** Dispatcher: the bus routes to this subscriber from after {@code revision} on. */
  void joined(long revision) {
    queue.add(new CatchUp(revision, true));
    wake();
  }

  /** Dispatcher: the store was replaced by a snapshot at {@code revision}; what came between is in history. */
  void reloaded(long revision) {
    queue.add(new CatchUp(revision, false));
    wake();
  }

  /** Dispatcher: a batch (already cut down to what this subscriber matches). */
  void offer(EventBatch mine) {
    if (closed || overflowed) {
      return;
    }
    if (queued.incrementAndGet() > maxLag) {
      overflowed = true;
    } else {
      queue.add(mine);
    }
    wake();
  }

  void wake() {
    if (wakeups.getAndIncrement() == 0) {
      try {
        bus.senders().execute(this::drainLoop);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        closed = true;
      }
    }
  }

  void tick(long now) {
    if (now - lastSentNanos >= progressIntervalNanos) {
      progressDue = true;
      wake();
    } else if (notReadySinceNanos != 0 && now - notReadySinceNanos > stallNanos) {
      wake();
    }
  }

  private void drainLoop() {
    int seen;
    do {
      seen = wakeups.get();
      try {
        drainOnce();
      } catch (RuntimeException e) {
        fail(Status.INTERNAL.withDescription("subscription failed: " + e), null);
      }
    } while (!wakeups.compareAndSet(seen, 0));
  }

  private void drainOnce() {
    if (startBookmarkDue && !closed) {
      startBookmarkDue = false;
      sendProgress();
    }
    if (shutdownRequested) {
      Metadata t = new Metadata();
      t.put(RESUME, Long.toString(cursor));
      fail(Status.UNAVAILABLE.withDescription("replica shutting down; resume from revision " + cursor), t);
      return;
    }
    if (overflowed) {
      cutOff("more than " + maxLag + " batches queued for this subscriber");
      return;
    }
    while (!closed) {
      boolean catchingUp = catchUpTo >= cursor;
      long routedThrough = bus.routed();
      Object head = catchingUp ? null : queue.peek();
      if (!catchingUp && head == null) {
        if (routed) {
          cursor = Math.max(cursor, routedThrough + 1); // nothing routed to it up to there
        }
        break;
      }
      if (!out.isReady()) {
        onNotReady(catchingUp ? cursor : headRevision(head));
        return;
      }
      notReadySinceNanos = 0;
      if (catchingUp) {
        if (!catchUpPage()) {
          return;
        }
        continue;
      }
      queue.poll();
      if (head instanceof CatchUp c) {
        routed |= c.join();
        catchUpTo = Math.max(catchUpTo, c.revision());
        continue;
      }
      queued.decrementAndGet();
      EventBatch b = (EventBatch) head;
      if (b.getRevision() >= cursor) {
        cursor = b.getRevision() + 1;
        send(SubscribeResponse.newBuilder().setEvents(b).build());
      }
    }
    if (progressDue && !closed && out.isReady()) {
      progressDue = false;
      sendProgress();
    }
  }

  /** One page of history from the cursor; false if the stream ended or cannot take more now. */
  private boolean catchUpPage() {
    long oldest = bus.oldestAvailable();
    if (cursor < oldest) {
      Metadata t = new Metadata();
      t.put(OLDEST, Long.toString(oldest));
      fail(Status.OUT_OF_RANGE.withDescription("revision " + cursor + " is compacted; oldest available is "
          + oldest + "; re-list and subscribe from the list's revision + 1"), t);
      return false;
    }
    List<EventBatch> page = bus.read(cursor, catchUpTo, PAGE);
    for (EventBatch b : page) {
      EventBatch mine = filter.select(b);
      cursor = b.getRevision() + 1;
      if (mine != null) {
        send(SubscribeResponse.newBuilder().setEvents(mine).build());
        if (!out.isReady()) {
          return false;
        }
      }
    }
    if (page.size() < PAGE) {
      cursor = Math.max(cursor, catchUpTo + 1);
    }
    return true;
  }

  private long headRevision(Object head) {
    return head instanceof CatchUp c ? Math.min(cursor, c.revision()) : ((EventBatch) head).getRevision();
  }

  /** Something is waiting to be sent but the stream is not writable: cut off if too far behind or stalled. */
  private void onNotReady(long oldestPending) {
    long behind = bus.published() - oldestPending;
    if (behind > maxLag) {
      cutOff("subscriber is " + behind + " revisions behind (limit " + maxLag + ")");
      return;
    }
    long now = System.nanoTime();
    if (notReadySinceNanos == 0) {
      notReadySinceNanos = now;
    } else if (now - notReadySinceNanos > stallNanos) {
      cutOff("subscriber did not read for " + stallNanos / 1_000_000 + " ms");
    }
  }

  private void sendProgress() {
    send(SubscribeResponse.newBuilder().setProgress(Progress.newBuilder().setRevision(cursor - 1)).build());
  }

  private void send(SubscribeResponse r) {
    out.onNext(r);
    lastSentNanos = System.nanoTime();
  }

  /** Starts delivery; the first message (from the drain loop) is a bookmark of where the stream starts. */
  void start() {
    wake();
  }

  private void cutOff(String why) {
    Metadata t = new Metadata();
    t.put(RESUME, Long.toString(cursor));
    fail(Status.RESOURCE_EXHAUSTED.withDescription(why + "; resume from revision " + cursor), t);
  }

  private void fail(Status status, Metadata trailers) {
    if (closed) {
      return;
    }
    closed = true;
    bus.remove(this);
    queue.clear();
    try {
      out.onError(status.asRuntimeException(trailers));
    } catch (IllegalStateException ignored) {
      // already cancelled by the peer
    }
  }

  void cancelled() {
    closed = true;
    bus.remove(this);
    queue.clear();
  }

  /** Ends the stream with UNAVAILABLE (from the drain loop, so never concurrently with a send). */
  void shutdown() {
    shutdownRequested = true;
    wake();
  }
}
