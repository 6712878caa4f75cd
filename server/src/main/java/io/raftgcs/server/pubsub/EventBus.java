package io.raftgcs.server.pubsub;

import io.raftgcs.proto.EventBatch;
import io.raftgcs.server.Threads;
import io.raftgcs.statemachine.GcsStateMachine;
import io.raftgcs.statemachine.StateMachineListener;
import io.raftgcs.statemachine.apply.HistoryReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This replica's event fan-out. The apply thread only hands each applied batch to a single dispatcher
 * thread, so subscribers can never slow apply down. The dispatcher appends to a bounded in-memory ring of
 * recent batches (for subscribers catching up), looks up in an {@link InterestIndex} which subscribers the
 * batch concerns and pushes each its part, then advances {@link #routed()}. A subscriber that no batch
 * concerns costs nothing per batch. A new subscriber first catches up from its start revision (the ring,
 * or the persisted history in RocksDB when older) to the revision at which routing to it began.
 *
 * <p>Threads: {@link #onApplied}/{@link #onReloaded} from the apply thread; all index changes on the
 * dispatcher thread. Soft state (the ring, the index); the history itself is replicated and persisted.
 */
public final class EventBus implements StateMachineListener, AutoCloseable {
  private final GcsStateMachine stateMachine;
  private final int ringCapacity;
  private final long ringMaxBytes;
  private final ConcurrentSkipListMap<Long, EventBatch> ring = new ConcurrentSkipListMap<>();
  /**
   * Batches in the ring and their serialized size; dispatcher thread only. Counted here because the
   * skip list's own {@code size()} walks every entry.
   */
  private int ringBatches;
  private long ringBytes;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(r -> daemon(r, "pubsub-dispatch"));
  private final ExecutorService senders;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pubsub-tick"));
  private final InterestIndex index = new InterestIndex();
  private volatile long published;
  private volatile long routed;

  /**
   * @param ringCapacity most batches (one per revision that had events) kept in memory
   * @param ringMaxBytes most serialized bytes of batches kept in memory: a batch may carry hundreds of
   *     events of up to 1 MiB each, so a bound in batches alone does not bound the heap
   */
  public EventBus(GcsStateMachine stateMachine, int ringCapacity, long ringMaxBytes, int senderThreads) {
    if (ringCapacity < 1 || ringMaxBytes < 1) {
      throw new IllegalArgumentException("the ring's bounds must be positive");
    }
    this.stateMachine = stateMachine;
    this.ringCapacity = ringCapacity;
    this.ringMaxBytes = ringMaxBytes;
    this.senders = Executors.newFixedThreadPool(senderThreads, r -> daemon(r, "pubsub-send"));
    ticker.scheduleWithFixedDelay(this::tick, 100, 100, TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Highest applied revision whose events (if any) are readable through {@link #read}. */
  public long published() {
    return published;
  }

  /** Batches in the ring now (tests). */
  int ringSize() {
    return ring.size();
  }

  /** Every batch up to this revision has been pushed to the subscribers it concerns. */
  long routed() {
    return routed;
  }

  /** Revisions before this are gone from history: a subscriber needing them must re-list. */
  public long oldestAvailable() {
    return stateMachine.eventHistory().oldestRevision();
  }

  ExecutorService senders() {
    return senders;
  }

  @Override
  public void onApplied(long index, EventBatch events) {
    dispatch(() -> {
      if (events.getEventsCount() > 0) {
        EventBatch replaced = ring.put(index, events);
        if (replaced == null) {
          ringBatches++;
        } else {
          ringBytes -= replaced.getSerializedSize();
        }
        ringBytes += events.getSerializedSize();
        while (ringBatches > 1 && (ringBatches > ringCapacity || ringBytes > ringMaxBytes)) {
          ringBytes -= ring.pollFirstEntry().getValue().getSerializedSize();
          ringBatches--;
        }
      }
      published = index;
      if (events.getEventsCount() > 0 && this.index.size() > 0) {
        this.index.route(events).forEach(Subscriber::offer);
      }
      routed = index;
    });
  }

  @Override
  public void onReloaded(long index) {
    // Set at once too, so a "from now" subscriber arriving before the dispatcher runs starts at the store's
    // revision rather than replaying history from 1.
    published = Math.max(published, index);
    dispatch(() -> {
      ring.clear();
      ringBatches = 0;
      ringBytes = 0;
      published = index;
      // Routed subscribers catch up through the new store's history before taking pushed batches again.
      subscribers.forEach(s -> s.reloaded(index));
      routed = index;
    });
  }

  /** Runs on the dispatcher; after close (Raft may still apply while the replica stops) there is no one to tell. */
  private void dispatch(Runnable r) {
    try {
      dispatcher.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // shutting down
    }
  }

  /** Batches with {@code from <= revision <= to}, at most {@code max}, from the ring or the store. */
  List<EventBatch> read(long from, long to, int max) {
    if (from > to) {
      return List.of();
    }
    if (ringHolds(from)) {
      List<EventBatch> out = new ArrayList<>();
      for (EventBatch b : ring.subMap(from, true, to, true).values()) {
        out.add(b);
        if (out.size() >= max) {
          break;
        }
      }
      // The dispatcher trims the ring from its oldest end while we copy. If its oldest batch is still at or
      // before {@code from}, nothing at or after {@code from} was trimmed, so the copy has no gap.
      if (ringHolds(from)) {
        return out;
      }
    }
    return stateMachine.read(store -> HistoryReader.read(store, from, to, max));
  }

  private boolean ringHolds(long from) {
    Map.Entry<Long, EventBatch> first = ring.firstEntry();
    return first != null && first.getKey() <= from;
  }

  /** Routing to {@code s} starts with the next batch the dispatcher handles; it catches up to there first. */
  void add(Subscriber s) {
    subscribers.add(s);
    dispatch(() -> {
      if (subscribers.contains(s)) {
        index.add(s);
        s.joined(routed);
      }
    });
  }

  void remove(Subscriber s) {
    subscribers.remove(s);
    dispatch(() -> index.remove(s));
  }

  public int subscriberCount() {
    return subscribers.size();
  }

  private void tick() {
    long now = System.nanoTime();
    for (Subscriber s : subscribers) {
      s.tick(now);
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    dispatcher.shutdownNow();
    for (Subscriber s : subscribers) {
      s.shutdown();
    }
    Threads.shutdownAndWait(senders, 1_000);
  }
}
