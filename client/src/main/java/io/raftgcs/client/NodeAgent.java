package io.raftgcs.client;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.NodeDeathInfo;
import io.raftgcs.proto.ResourceLoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control-plane side of one node (what a raylet does towards the GCS): registers the node under
 * a fresh random id, heartbeats its available resources to the leader, and follows the cluster's
 * decisions about it through subscriptions keyed by its node id.
 *
 * <ul>
 *   <li>Heartbeats run every period (the leader's {@code period_ms}, default 1 s, or {@link
 *       Builder#heartbeatPeriod}); failures (no leader, failover, timeouts) are counted and retried
 *       on the next beat, never fatal.
 *   <li>A heartbeat answered NOT_FOUND means the cluster declared the node dead (or never knew it):
 *       as in Ray, the node is never resurrected; the agent registers again under a NEW id, moves
 *       its per-node subscriptions to it and tells {@link Listener#onReregistered}.
 *   <li>With {@link Builder#hostActors}, the agent starts (simulates) the actors placed on its
 *       node and reports them started or failed, once per placement attempt.
 *   <li>{@link #watchForNode} is how per-node streams are attached (its own row: {@link
 *       #watchNode}; placements for this node: one more call with the NODE_ASSIGNMENT channel).
 * </ul>
 *
 * <p>Light: no thread of its own. All agents of a process share one {@link GcsClient}, its
 * scheduler and its channels; each agent has at most one call in flight (a registration or a
 * heartbeat), so thousands of agents fit in one JVM.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
  private static final Duration DEFAULT_PERIOD = Duration.ofSeconds(1);
  private static final int HEARTBEAT_ATTEMPTS = 3;

  /** Lifecycle notifications; called on client threads, serialized per agent. */
  public interface Listener {
    /** The first registration succeeded. */
    default void onRegistered(byte[] nodeId, long revision) {}

    /** The cluster forgot the node; it is registered again under {@code newNodeId}. */
    default void onReregistered(byte[] oldNodeId, byte[] newNodeId, long revision) {}

    /** A heartbeat failed (transient; the next one is already scheduled). */
    default void onHeartbeatFailed(GcsException error) {}

    /** A heartbeat was answered, {@code micros} after it was sent (retries included). */
    default void onHeartbeat(long micros) {}
  }

  private final GcsClient client;
  private final GcsNodeInfo template;
  private final Supplier<Map<String, Double>> available;
  private final Supplier<ResourceLoad> load;
  private final Duration periodOverride;
  private final Listener listener;
  private final Backoff registerBackoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));
  private final CompletableFuture<byte[]> firstRegistration = new CompletableFuture<>();
  private final List<NodeWatch> watches = new CopyOnWriteArrayList<>();
  private final AtomicLong heartbeats = new AtomicLong();
  private final AtomicLong heartbeatFailures = new AtomicLong();
  private final AtomicLong registrations = new AtomicLong();
  private final ActorHost actorHost;

  // Guarded by this.
  private byte[] nodeId;
  private long registeredRevision;
  private long periodMs;
  private ScheduledFuture<?> timer;
  private CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);
  private boolean started;
  private volatile boolean closed;

  private NodeAgent(Builder b) {
    this.client = b.client;
    this.template = b.info.clearNodeId().build();
    Map<String, Double> total = Map.copyOf(template.getResourcesTotalMap());
    this.available = b.available != null ? b.available : () -> total;
    this.load = b.load;
    this.periodOverride = b.period;
    this.listener = b.listener != null ? b.listener : new Listener() {};
    this.periodMs = (b.period != null ? b.period : DEFAULT_PERIOD).toMillis();
    this.actorHost = b.actorHosting == null ? null
        : new ActorHost(client, b.actorHosting, template.getNodeManagerAddress());
  }

  public static Builder builder(GcsClient client) {
    return new Builder(client);
  }

  /**
   * Registers and starts heartbeating. The future completes with the first node id once the
   * cluster accepted it (registration is retried until then); it fails only if the node
   * description is invalid or the agent is closed first.
   */
  public synchronized CompletableFuture<byte[]> start() {
    if (!started && !closed) {
      started = true;
      register(NodeIds.random());
    }
    return firstRegistration;
  }

  /** The current node id (changes on re-registration); null before the first registration. */
  public synchronized byte[] nodeId() {
    return nodeId == null ? null : nodeId.clone();
  }

  public String nodeIdHex() {
    byte[] id = nodeId();
    return id == null ? null : NodeIds.hex(id);
  }

  /** The revision that recorded the current registration (0 before). */
  public synchronized long registeredRevision() {
    return registeredRevision;
  }

  /** The heartbeat period in use. */
  public synchronized Duration heartbeatPeriod() {
    return Duration.ofMillis(periodMs);
  }

  public boolean isRegistered() {
    return nodeId() != null && !closed;
  }

  /** Successful heartbeats so far. */
  public long heartbeats() {
    return heartbeats.get();
  }

  /** Failed heartbeats so far (transient errors and NOT_FOUND answers). */
  public long heartbeatFailures() {
    return heartbeatFailures.get();
  }

  /** Successful registrations (1 after the first; +1 per re-registration). */
  public long registrations() {
    return registrations.get();
  }

  /** Whether this agent starts the actors placed on its node ({@link Builder#hostActors}). */
  public boolean hostsActors() {
    return actorHost != null;
  }

  /** Actors this agent reported started (accepted by the cluster). */
  public long actorsStarted() {
    return actorHost == null ? 0 : actorHost.started.get();
  }

  /** Simulated constructor failures this agent reported (accepted by the cluster). */
  public long actorsFailed() {
    return actorHost == null ? 0 : actorHost.failed.get();
  }

  /** Reports the cluster refused as stale (the placement had moved on): expected, harmless. */
  public long staleActorReports() {
    return actorHost == null ? 0 : actorHost.stale.get();
  }

  /** Reports that failed otherwise (e.g. no leader until the deadline). */
  public long actorReportErrors() {
    return actorHost == null ? 0 : actorHost.errors.get();
  }

  // ---- per-node subscriptions

  /** Changes of this node's own row on the NODE channel (follows re-registrations). */
  public AutoCloseable watchNode(Subscription.Listener l) {
    return watchForNode(SubscribeOptions::node, l);
  }

  /**
   * A subscription derived from the current node id, re-created for the new id on every
   * re-registration. It starts at the revision of the registration, so the first event a NODE
   * watcher sees is the registration itself. Example, placements for this node: {@code
   * agent.watchForNode(id -> SubscribeOptions.of(Channel.NODE_ASSIGNMENT).key(id), l)}.
   */
  public AutoCloseable watchForNode(Function<byte[], SubscribeOptions> optionsForNode,
      Subscription.Listener l) {
    NodeWatch w = new NodeWatch(optionsForNode, l);
    watches.add(w);
    byte[] id;
    long rev;
    synchronized (this) {
      id = nodeId;
      rev = registeredRevision;
    }
    if (id != null && !closed) {
      w.attach(id, rev);
    }
    return w;
  }

  /** One per-node subscription that moves to each new node id. */
  private final class NodeWatch implements AutoCloseable {
    private final Function<byte[], SubscribeOptions> options;
    private final Subscription.Listener listener;
    private Subscription current;
    private boolean closed;

    NodeWatch(Function<byte[], SubscribeOptions> options, Subscription.Listener listener) {
      this.options = options;
      this.listener = listener;
    }

    void attach(byte[] id, long fromRevision) {
      Subscription old;
      synchronized (this) {
        if (closed) {
          return;
        }
        old = current;
        current = null;
      }
      if (old != null) {
        old.close();
      }
      Subscription s = client.subscribe(options.apply(id.clone()).fromRevision(fromRevision),
          listener);
      boolean keep;
      synchronized (this) {
        keep = !closed;
        if (keep) {
          current = s;
        }
      }
      if (!keep) {
        s.close();
      }
    }

    @Override
    public void close() {
      Subscription s;
      synchronized (this) {
        closed = true;
        s = current;
        current = null;
      }
      watches.remove(this);
      if (s != null) {
        s.close();
      }
    }
  }

  // ---- registration

  private void register(byte[] id) {
    GcsNodeInfo info = template.toBuilder().setNodeId(ByteString.copyFrom(id)).build();
    synchronized (this) {
      if (closed) {
        return;
      }
      // inFlight completes after the outcome was handled, so close() sees the registered id.
      inFlight = client.nodes().registerAsync(info)
          .thenCompose(rev -> createRevision(id, rev))
          .handle((rev, err) -> {
            if (err == null) {
              onRegistered(id, rev);
            } else {
              onRegisterFailed(id, unwrap(err));
            }
            return null;
          });
    }
  }

  /**
   * The revision that created the node's row. The reply's revision is not enough: a registration
   * retried after a lost reply is answered (deduplicated) with the retry's revision, later than
   * the one that created the row, and a subscription starting there would miss it.
   */
  private CompletableFuture<Long> createRevision(byte[] id, long replyRevision) {
    return client.nodes().getAsync(id).handle((row, err) -> {
      if (err != null || row.isEmpty() || row.get().getCreateRevision() <= 0) {
        LOG.debug("reading back node {} failed ({}); using the reply's revision", NodeIds.hex(id),
            err == null ? "no row" : err.toString());
        return replyRevision;
      }
      if (row.get().getState() != io.raftgcs.proto.NodeState.ALIVE) {
        throw new GcsException(GcsException.Code.FAILED_PRECONDITION,
            "node " + NodeIds.hex(id) + " died right after registering");
      }
      return row.get().getCreateRevision();
    });
  }

  private void onRegistered(byte[] id, long rev) {
    byte[] previous;
    List<NodeWatch> toMove;
    synchronized (this) {
      if (closed) {
        // Closed while registering: the close path unregisters the id it finds, so record it.
        nodeId = id;
        return;
      }
      previous = nodeId;
      nodeId = id;
      registeredRevision = rev;
      registerBackoff.reset();
      toMove = new ArrayList<>(watches);
    }
    registrations.incrementAndGet();
    if (previous == null) {
      LOG.debug("node {} registered at revision {}", NodeIds.hex(id), rev);
    } else {
      LOG.info("node {} was forgotten by the cluster; registered again as {} at revision {}",
          NodeIds.hex(previous), NodeIds.hex(id), rev);
    }
    for (NodeWatch w : toMove) {
      try {
        w.attach(id, rev);
      } catch (RuntimeException e) {
        LOG.warn("moving a node subscription to {} failed: {}", NodeIds.hex(id), e.toString());
      }
    }
    if (actorHost != null) {
      actorHost.attach(id);
    }
    try {
      if (previous == null) {
        listener.onRegistered(id.clone(), rev);
      } else {
        listener.onReregistered(previous.clone(), id.clone(), rev);
      }
    } catch (RuntimeException e) {
      LOG.warn("agent listener threw", e);
    }
    firstRegistration.complete(id.clone());
    // Spread the first beats of many agents over one period.
    long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, currentPeriodMs()));
    schedule(this::beat, previous == null ? jitter : 0);
  }

  private void onRegisterFailed(byte[] id, GcsException e) {
    if (closed) {
      return;
    }
    switch (e.code()) {
      case FAILED_PRECONDITION, ALREADY_EXISTS -> {
        // The id is dead (a registration that timed out, then the node was declared dead): a new
        // id, as a restarted raylet would.
        LOG.info("node id {} cannot register ({}); using a new id", NodeIds.hex(id),
            e.getMessage());
        register(NodeIds.random());
      }
      case INVALID_ARGUMENT -> {
        LOG.error("node registration rejected: {}", e.getMessage());
        firstRegistration.completeExceptionally(e);
      }
      default -> {
        long delay;
        synchronized (this) {
          delay = TimeUnit.NANOSECONDS.toMillis(registerBackoff.nextDelayNanos());
        }
        LOG.debug("registering {} failed ({}); retrying in {} ms", NodeIds.hex(id),
            e.getMessage(), delay);
        // Same id again: registering an alive id is a no-op, so a lost reply is harmless.
        schedule(() -> register(id), delay);
      }
    }
  }

  // ---- heartbeats

  private synchronized long currentPeriodMs() {
    return periodMs;
  }

  private void beat() {
    byte[] id;
    long period;
    CompletableFuture<HeartbeatResult> f;
    synchronized (this) {
      if (closed || nodeId == null) {
        return;
      }
      id = nodeId;
      period = periodMs;
      Map<String, Double> avail;
      ResourceLoad l;
      try {
        avail = available.get();
        l = load == null ? null : load.get();
      } catch (RuntimeException e) {
        LOG.warn("resource supplier threw; reporting totals: {}", e.toString());
        avail = template.getResourcesTotalMap();
        l = null;
      }
      // Patient attempts: a beat the leader answers late still counts, while a cancelled one is
      // retried on a replica that is probably not the leader. A busy leader (a registration storm of
      // thousands of nodes) answers in seconds; giving up after one period turns that into silence.
      Duration attempt = Duration.ofMillis(Math.max(2000, Math.min(5000, 3 * period)));
      f = client.nodes().heartbeatAsync(id, avail, l, attempt, HEARTBEAT_ATTEMPTS);
      inFlight = f;
    }
    long startNanos = System.nanoTime();
    f.whenComplete((r, err) -> {
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
      if (err == null) {
        heartbeats.incrementAndGet();
        try {
          listener.onHeartbeat(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos));
        } catch (RuntimeException ex) {
          LOG.warn("agent listener threw", ex);
        }
        long p;
        synchronized (this) {
          if (periodOverride == null && r.periodMs() > 0) {
            periodMs = r.periodMs();
          }
          p = periodMs;
        }
        schedule(this::beat, Math.max(0, p - elapsedMs));
        return;
      }
      GcsException e = unwrap(err);
      if (closed) {
        return;
      }
      heartbeatFailures.incrementAndGet();
      try {
        listener.onHeartbeatFailed(e);
      } catch (RuntimeException ex) {
        LOG.warn("agent listener threw", ex);
      }
      if (e.code() == GcsException.Code.NOT_FOUND) {
        boolean current;
        synchronized (this) {
          current = java.util.Arrays.equals(nodeId, id);
        }
        if (current) {
          register(NodeIds.random());
          return;
        }
      }
      LOG.debug("heartbeat of {} failed: {}", NodeIds.hex(id), e.getMessage());
      schedule(this::beat, Math.max(0, period - elapsedMs));
    });
  }

  private void schedule(Runnable task, long delayMs) {
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        timer = client.scheduler().schedule(task, delayMs, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        closed = true; // the client is closed
      }
    }
  }

  // ---- shutdown

  /**
   * Stops heartbeating, closes the per-node subscriptions and unregisters the node
   * (EXPECTED_TERMINATION). Completes when the cluster recorded the death (or failed to).
   */
  public CompletableFuture<Void> closeAsync() {
    CompletableFuture<?> pending;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.completedFuture(null);
      }
      closed = true;
      if (timer != null) {
        timer.cancel(false);
      }
      pending = inFlight;
    }
    for (NodeWatch w : new ArrayList<>(watches)) {
      w.close();
    }
    if (actorHost != null) {
      actorHost.close();
    }
    firstRegistration.completeExceptionally(
        new GcsException(GcsException.Code.CANCELLED, "agent closed"));
    // Let an in-flight registration land first, so its id is the one unregistered.
    return pending.handle((r, e) -> null).thenCompose(v -> {
      byte[] id;
      synchronized (this) {
        id = nodeId;
      }
      if (id == null) {
        return CompletableFuture.completedFuture(null);
      }
      return client.nodes().unregisterAsync(id, NodeDeathInfo.Reason.EXPECTED_TERMINATION,
          "node agent stopped").thenApply(rev -> (Void) null);
    });
  }

  /** {@link #closeAsync} and wait (up to the client's deadline). */
  @Override
  public void close() {
    Blocking.await(closeAsync());
  }

  private static GcsException unwrap(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return c instanceof GcsException g ? g
        : new GcsException(GcsException.Code.INTERNAL, String.valueOf(c), false, c);
  }

  /** Describes the node; {@link #build} makes an agent that is not started yet. */
  public static final class Builder {
    private final GcsClient client;
    private final GcsNodeInfo.Builder info = GcsNodeInfo.newBuilder();
    private Supplier<Map<String, Double>> available;
    private Supplier<ResourceLoad> load;
    private Duration period;
    private Listener listener;
    private ActorHosting actorHosting;

    private Builder(GcsClient client) {
      this.client = Objects.requireNonNull(client);
    }

    /** The node manager's address (IP), as Ray's {@code node_manager_address}. */
    public Builder address(String address) {
      info.setNodeManagerAddress(address);
      return this;
    }

    public Builder nodeManagerPort(int port) {
      info.setNodeManagerPort(port);
      return this;
    }

    public Builder objectManagerPort(int port) {
      info.setObjectManagerPort(port);
      return this;
    }

    public Builder hostname(String hostname) {
      info.setNodeManagerHostname(hostname);
      return this;
    }

    public Builder name(String name) {
      info.setNodeName(name);
      return this;
    }

    /** Total resources, e.g. {@code {"CPU": 4.0, "memory": 8e9}}. */
    public Builder resources(Map<String, Double> total) {
      info.clearResourcesTotal().putAllResourcesTotal(total);
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      info.clearLabels().putAllLabels(labels);
      return this;
    }

    public Builder head(boolean head) {
      info.setIsHeadNode(head);
      return this;
    }

    /** Reports of available resources, asked at every beat (default: the totals). */
    public Builder availableResources(Supplier<Map<String, Double>> s) {
      this.available = s;
      return this;
    }

    /** Reports of queued demand, asked at every beat (default: none). */
    public Builder load(Supplier<ResourceLoad> s) {
      this.load = s;
      return this;
    }

    /** Fixed heartbeat period; default: the period the leader announces (1 s if unknown). */
    public Builder heartbeatPeriod(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("heartbeat period must be positive");
      }
      this.period = d;
      return this;
    }

    public Builder listener(Listener l) {
      this.listener = l;
      return this;
    }

    /**
     * Start the actors the cluster places on this node, as {@code hosting} says (null: don't;
     * the default). The agent follows its node's NODE_ASSIGNMENT stream (list-then-watch) and
     * reports each placement attempt once, started or failed.
     */
    public Builder hostActors(ActorHosting hosting) {
      this.actorHosting = hosting;
      return this;
    }

    /** {@link #hostActors(ActorHosting)} with every actor starting at once, successfully. */
    public Builder hostActors() {
      return hostActors(ActorHosting.immediate());
    }

    public NodeAgent build() {
      return new NodeAgent(this);
    }
  }
}
