package io.raftgcs.server.pubsub;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.Progress;
import io.raftgcs.proto.SubscribeResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One subscription stream. Its only state is a cursor (the next revision to look at); delivery is pulled
 * from the bus by a drain loop that runs on the bus's sender pool, one loop per subscriber at a time, and
 * only while gRPC says the stream can take more. A subscriber that cannot keep up (too far behind, or not
 * writable for too long) is cut off with RESOURCE_EXHAUSTED and the revision to resume from.
 *
 * <p>Threads: {@link #wake} from anywhere; the drain loop is serialized by {@code wakeups}.
 */
final class Subscriber {
  static final Metadata.Key<String> RESUME = Metadata.Key.of("gcs-resume-revision", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> OLDEST = Metadata.Key.of("gcs-oldest-revision", Metadata.ASCII_STRING_MARSHALLER);
  private static final int PAGE = 256;

  private final EventBus bus;
  private final EventFilter filter;
  private final ServerCallStreamObserver<SubscribeResponse> out;
  private final long progressIntervalNanos;
  private final long maxLag;
  private final long stallNanos;
  private final AtomicInteger wakeups = new AtomicInteger();
  private long cursor;
  private volatile long lastSentNanos = System.nanoTime();
  private volatile long notReadySinceNanos;
  private volatile boolean progressDue;
  private volatile boolean closed;
  private volatile boolean shutdownRequested;
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
      send(SubscribeResponse.newBuilder().setProgress(Progress.newBuilder().setRevision(cursor - 1)).build());
    }
    if (shutdownRequested) {
      Metadata t = new Metadata();
      t.put(RESUME, Long.toString(cursor));
      fail(Status.UNAVAILABLE.withDescription("replica shutting down; resume from revision " + cursor), t);
      return;
    }
    while (!closed) {
      long top = bus.published();
      if (cursor < bus.oldestAvailable()) {
        Metadata t = new Metadata();
        t.put(OLDEST, Long.toString(bus.oldestAvailable()));
        fail(Status.OUT_OF_RANGE.withDescription("revision " + cursor + " is compacted; oldest available is "
            + bus.oldestAvailable() + "; re-list and subscribe from the list's revision + 1"), t);
        return;
      }
      if (cursor > top) {
        break;
      }
      if (!out.isReady()) {
        if (top - cursor > maxLag) {
          // Behind and not reading: holding its place any longer only grows the debt.
          cutOff("subscriber is " + (top - cursor) + " revisions behind (limit " + maxLag + ")");
          return;
        }
        long now = System.nanoTime();
        if (notReadySinceNanos == 0) {
          notReadySinceNanos = now;
        } else if (now - notReadySinceNanos > stallNanos) {
          cutOff("subscriber did not read for " + stallNanos / 1_000_000 + " ms");
        }
        return;
      }
      notReadySinceNanos = 0;
      List<EventBatch> page = bus.read(cursor, top, PAGE);
      for (EventBatch b : page) {
        EventBatch mine = filter.select(b);
        cursor = b.getRevision() + 1;
        if (mine != null) {
          send(SubscribeResponse.newBuilder().setEvents(mine).build());
          if (!out.isReady()) {
            return;
          }
        }
      }
      if (page.size() < PAGE) {
        cursor = top + 1;
      }
    }
    if (progressDue && !closed && out.isReady()) {
      progressDue = false;
      send(SubscribeResponse.newBuilder().setProgress(Progress.newBuilder().setRevision(cursor - 1)).build());
    }
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
    try {
      out.onError(status.asRuntimeException(trailers));
    } catch (IllegalStateException ignored) {
      // already cancelled by the peer
    }
  }

  void cancelled() {
    closed = true;
    bus.remove(this);
  }

  /** Ends the stream with UNAVAILABLE (from the drain loop, so never concurrently with a send). */
  void shutdown() {
    shutdownRequested = true;
    wake();
  }
}
