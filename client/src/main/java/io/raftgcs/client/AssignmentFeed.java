package io.raftgcs.client;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One NODE_ASSIGNMENT subscription shared by many agents in one process (a simulator hosting
 * thousands of nodes): the placements of every node arrive on a single stream and are handed to the
 * agent of the node they name, instead of one stream per node. Assignment keys start with the
 * 28-byte node id.
 *
 * <p>An agent joins before it lists its node's assignments and says when the listing is done
 * ({@link Tap#listed}); until then the tap holds what arrives, afterwards it passes on only what is
 * newer than the listing, so nothing between the listing and the stream is lost or doubled. If the
 * shared stream ends for good (its start fell out of history), every tap is told, re-lists, and the
 * feed follows from a fresh start.
 *
 * <p>Threads: the subscription's callback thread delivers; taps may join and leave from any thread.
 */
public final class AssignmentFeed implements AutoCloseable {
  private static final int NODE_ID_BYTES = 28;

  /** What an agent's tap hands on. */
  interface Sink {
    void onEvents(EventBatch mine);

    /** The shared stream ended; list again and {@link #join} anew. */
    void onLost(GcsException error);
  }

  private final GcsClient client;
  private final Map<ByteString, Tap> taps = new ConcurrentHashMap<>();
  private Subscription subscription;
  private boolean closed;

  private AssignmentFeed(GcsClient client) {
    this.client = client;
  }

  /**
   * Starts following every node's placements from the cluster's current revision (read first, so
   * that any listing an agent makes after this returns is covered by the stream).
   */
  public static AssignmentFeed start(GcsClient client) {
    AssignmentFeed f = new AssignmentFeed(client);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        f.subscribe(f.currentRevision() + 1);
        return f;
      } catch (GcsException e) {
        // A busy or electing cluster: keep asking for a while, as the agents themselves would.
        boolean transient_ = e.code() == GcsException.Code.UNAVAILABLE
            || e.code() == GcsException.Code.DEADLINE_EXCEEDED;
        if (!transient_ || System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  private long currentRevision() {
    return client.nodes().getAll(NodeQuery.all().limit(1)).revision();
  }

  private synchronized void subscribe(long fromRevision) {
    if (closed) {
      return;
    }
    subscription = client.subscribe(SubscribeOptions.of(Channel.NODE_ASSIGNMENT).fromRevision(fromRevision),
        new Subscription.Listener() {
          @Override
          public void onEvents(EventBatch batch) {
            route(batch);
          }

          @Override
          public void onError(GcsException error) {
            lost(error);
          }
        });
  }

  /** The tap of one node: events for it, held until its listing is done. */
  Tap join(byte[] nodeId, Sink sink) {
    Tap t = new Tap(ByteString.copyFrom(nodeId), sink);
    taps.put(t.nodeId, t);
    return t;
  }

  private void route(EventBatch batch) {
    Map<Tap, List<Event>> mine = new java.util.IdentityHashMap<>();
    for (Event e : batch.getEventsList()) {
      if (e.getKey().size() < NODE_ID_BYTES) {
        continue;
      }
      Tap t = taps.get(e.getKey().substring(0, NODE_ID_BYTES));
      if (t != null) {
        mine.computeIfAbsent(t, k -> new ArrayList<>(2)).add(e);
      }
    }
    int all = batch.getEventsCount();
    mine.forEach((t, events) -> t.deliver(events.size() == all ? batch
        : EventBatch.newBuilder().setRevision(batch.getRevision()).addAllEvents(events).build()));
  }

  private void lost(GcsException error) {
    List<Tap> all;
    synchronized (this) {
      subscription = null;
      all = new ArrayList<>(taps.values());
      taps.clear();
    }
    // Off the stream's callback thread: reading the current revision blocks.
    java.util.concurrent.CompletableFuture.runAsync(() -> restartThenTell(all, error));
  }

  /**
   * Follows again from the current revision, and only then tells the taps to list again: a
   * listing made before the new stream's start could miss what lies between the two.
   */
  private void restartThenTell(List<Tap> lostTaps, GcsException error) {
    try {
      subscribe(currentRevision() + 1);
    } catch (GcsException e) {
      try {
        client.scheduler().schedule(() -> java.util.concurrent.CompletableFuture.runAsync(
            () -> restartThenTell(lostTaps, error)), 1, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closedClient) {
        // the client is closed
      }
      return;
    }
    for (Tap t : lostTaps) {
      t.sink.onLost(error);
    }
  }

  @Override
  public void close() {
    Subscription s;
    synchronized (this) {
      closed = true;
      s = subscription;
      subscription = null;
    }
    taps.clear();
    if (s != null) {
      s.close();
    }
  }

  /** One node's share of the feed. */
  final class Tap implements AutoCloseable {
    private final ByteString nodeId;
    private final Sink sink;
    private final List<EventBatch> held = new ArrayList<>();
    private long listedAt = -1;

    private Tap(ByteString nodeId, Sink sink) {
      this.nodeId = nodeId;
      this.sink = sink;
    }

    // Delivery under the tap's lock keeps held and live batches in revision order.
    private synchronized void deliver(EventBatch b) {
      if (listedAt < 0) {
        held.add(b);
      } else if (b.getRevision() > listedAt) {
        sink.onEvents(b);
      }
    }

    /** The listing reflected {@code revision}: pass on what is newer, held or still to come. */
    synchronized void listed(long revision) {
      listedAt = revision;
      for (EventBatch b : held) {
        if (b.getRevision() > revision) {
          sink.onEvents(b);
        }
      }
      held.clear();
    }

    @Override
    public void close() {
      taps.remove(nodeId, this);
    }
  }
}
