package io.raftgcs.client;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorDeathCause;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.Address;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.EventKind;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actor side of a {@link NodeAgent}: follows the placements for its node (list-then-watch:
 * GetNodeAssignments at R, then the NODE_ASSIGNMENT channel with the node id as key prefix from R +
 * 1), "starts" each placed actor as {@link ActorHosting} says and reports it started (a fresh
 * 28-byte worker id) or failed, once per placement attempt. Re-attached to the new id when the
 * agent registers again. Stale reports (FAILED_PRECONDITION: the placement was withdrawn or
 * superseded meanwhile) are expected and ignored.
 */
final class ActorHost {
  private static final Logger LOG = LoggerFactory.getLogger(ActorHost.class);

  private final GcsClient client;
  private final ActorHosting hosting;
  private final String ipAddress;
  private final Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));
  final AtomicLong started = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong stale = new AtomicLong();
  final AtomicLong errors = new AtomicLong();

  // Guarded by this.
  private long generation;
  /** The per-node stream, or this node's tap of a shared feed. */
  private AutoCloseable subscription;
  /** Actor id → the placement attempt seen (and reported or about to be) on the current node. */
  private final Map<ByteString, Long> attempts = new HashMap<>();
  private boolean closed;

  ActorHost(GcsClient client, ActorHosting hosting, String ipAddress) {
    this.client = client;
    this.hosting = hosting;
    this.ipAddress = ipAddress == null ? "" : ipAddress;
  }

  /** Follows the placements of {@code nodeId} (and stops following the previous id). */
  void attach(byte[] nodeId) {
    AutoCloseable old;
    long gen;
    synchronized (this) {
      if (closed) {
        return;
      }
      old = subscription;
      subscription = null;
      attempts.clear();
      gen = ++generation;
    }
    closeQuietly(old);
    listThenWatch(nodeId.clone(), gen);
  }

  void close() {
    AutoCloseable s;
    synchronized (this) {
      closed = true;
      generation++;
      s = subscription;
      subscription = null;
    }
    closeQuietly(s);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("closing a placement stream failed: {}", e.toString());
    }
  }

  /** The shared-feed variant: join before listing, so nothing after the listing is missed. */
  private void listThenTap(byte[] nodeId, long gen) {
    Listener listener = new Listener(nodeId, gen);
    AssignmentFeed.Tap tap = hosting.sharedFeed().join(nodeId, new AssignmentFeed.Sink() {
      @Override
      public void onEvents(EventBatch mine) {
        listener.onEvents(mine);
      }

      @Override
      public void onLost(GcsException error) {
        listener.onError(error);
      }
    });
    AutoCloseable old;
    synchronized (this) {
      if (!current(gen)) {
        tap.close();
        return;
      }
      old = subscription;
      subscription = tap;
    }
    if (old != tap) {
      closeQuietly(old);
    }
    listAssignments(nodeId, gen, tap::listed);
  }

  /**
   * Lists the node's assignments and offers each; then hands the listing's revision on. A failed
   * listing starts {@link #listThenWatch} over after a backoff.
   */
  private void listAssignments(byte[] nodeId, long gen, java.util.function.LongConsumer then) {
    client.actors().getNodeAssignmentsAsync(nodeId).whenComplete((list, err) -> {
      if (!current(gen)) {
        return;
      }
      if (err != null) {
        long delay;
        synchronized (this) {
          delay = TimeUnit.NANOSECONDS.toMillis(backoff.nextDelayNanos());
        }
        LOG.debug("listing the assignments of {} failed ({}); again in {} ms", NodeIds.hex(nodeId),
            unwrap(err).getMessage(), delay);
        later(() -> listThenWatch(nodeId, gen), delay);
        return;
      }
      synchronized (this) {
        backoff.reset();
      }
      for (ActorTableData a : list.actors()) {
        offer(nodeId, a, gen);
      }
      then.accept(list.revision());
    });
  }

  private synchronized boolean current(long gen) {
    return !closed && generation == gen;
  }

  private void listThenWatch(byte[] nodeId, long gen) {
    if (!current(gen)) {
      return;
    }
    if (hosting.sharedFeed() != null) {
      listThenTap(nodeId, gen);
      return;
    }
    listAssignments(nodeId, gen, revision -> {
      Subscription s;
      try {
        s = client.subscribe(SubscribeOptions.of(Channel.NODE_ASSIGNMENT).keyPrefix(nodeId)
            .fromRevision(revision + 1), new Listener(nodeId, gen));
      } catch (GcsException e) {
        return; // the client is closed
      }
      boolean keep;
      synchronized (this) {
        keep = current(gen);
        if (keep) {
          subscription = s;
        }
      }
      if (!keep) {
        s.close();
      }
    });
  }

  private final class Listener implements Subscription.Listener {
    private final byte[] nodeId;
    private final long gen;

    Listener(byte[] nodeId, long gen) {
      this.nodeId = nodeId;
      this.gen = gen;
    }

    @Override
    public void onEvents(EventBatch batch) {
      for (Event e : batch.getEventsList()) {
        if (e.getKind() == EventKind.DELETE) {
          // Confirmed, withdrawn or moved: forget it (a later attempt comes as a new PUT).
          ByteString key = e.getKey();
          if (key.size() > nodeId.length) {
            ByteString actorId = key.substring(nodeId.length);
            synchronized (ActorHost.this) {
              if (generation == gen) {
                attempts.remove(actorId);
              }
            }
          }
          continue;
        }
        ActorClient.assignmentOf(e).ifPresent(a -> offer(nodeId, a, gen));
      }
    }

    @Override
    public void onError(GcsException error) {
      // Out of the history (or otherwise ended for good): list again and resume from there.
      LOG.info("assignment stream of {} ended ({}); listing again", NodeIds.hex(nodeId),
          error.getMessage());
      synchronized (ActorHost.this) {
        if (generation == gen) {
          subscription = null;
        }
      }
      later(() -> listThenWatch(nodeId, gen), 100);
    }
  }

  /** Takes a placement once per attempt; starts its worker now or after the start delay. */
  private void offer(byte[] nodeId, ActorTableData a, long gen) {
    if (!Arrays.equals(a.getNodeId().toByteArray(), nodeId)) {
      return;
    }
    ByteString actorId = a.getActorId();
    long attempt = a.getPlacementAttempt();
    synchronized (this) {
      if (!current(gen)) {
        return;
      }
      Long seen = attempts.get(actorId);
      if (seen != null && seen >= attempt) {
        return; // already being started or reported
      }
      attempts.put(actorId, attempt);
    }
    long delay = hosting.startDelay().toMillis();
    if (delay <= 0) {
      start(nodeId, actorId, attempt, gen);
    } else {
      later(() -> start(nodeId, actorId, attempt, gen), delay);
    }
  }

  private void start(byte[] nodeId, ByteString actorId, long attempt, long gen) {
    synchronized (this) {
      Long seen = attempts.get(actorId);
      if (!current(gen) || seen == null || seen != attempt) {
        return; // withdrawn while the worker was "starting"
      }
    }
    byte[] id = actorId.toByteArray();
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    boolean fail = hosting.failureRate() > 0 && rnd.nextDouble() < hosting.failureRate();
    if (fail) {
      ActorDeathCause cause = ActorDeathCause.newBuilder()
          .setKind(ActorDeathCause.Kind.CREATION_TASK_FAILED)
          .setMessage("simulated constructor failure on node " + NodeIds.hex(nodeId)).build();
      client.actors().reportCreationFailedAsync(id, attempt, false, cause)
          .whenComplete((r, err) -> reported(err, failed, id, attempt));
    } else {
      Address address = Address.newBuilder().setWorkerId(ByteString.copyFrom(NodeIds.random()))
          .setNodeId(ByteString.copyFrom(nodeId)).setIpAddress(ipAddress)
          .setPort(10_000 + rnd.nextInt(50_000)).build();
      client.actors().reportStartedAsync(id, attempt, address, 1000 + rnd.nextInt(1 << 20))
          .whenComplete((r, err) -> reported(err, started, id, attempt));
    }
  }

  private void reported(Throwable err, AtomicLong okCounter, byte[] actorId, long attempt) {
    if (err == null) {
      okCounter.incrementAndGet();
      return;
    }
    GcsException e = unwrap(err);
    if (e.code() == GcsException.Code.FAILED_PRECONDITION) {
      stale.incrementAndGet(); // the placement moved on meanwhile
      return;
    }
    errors.incrementAndGet();
    if (e.code() != GcsException.Code.CANCELLED) {
      LOG.warn("report for actor {} attempt {} failed: {}", NodeIds.hex(actorId), attempt,
          e.getMessage());
    }
  }

  private void later(Runnable task, long delayMs) {
    try {
      client.scheduler().schedule(task, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the client is closed
    }
  }

  private static GcsException unwrap(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return c instanceof GcsException g ? g
        : new GcsException(GcsException.Code.INTERNAL, String.valueOf(c), false, c);
  }
}
