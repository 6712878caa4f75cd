package io.raftgcs.server.leader;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.HeartbeatRequest;
import io.raftgcs.proto.MarkNodeDead;
import io.raftgcs.proto.NodeDeathInfo;
import io.raftgcs.proto.NodeState;
import io.raftgcs.server.api.WritePath;
import io.raftgcs.server.config.NodeMonitorConfig;
import io.raftgcs.statemachine.GcsStateMachine;
import io.raftgcs.statemachine.StateMachineListener;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.statemachine.table.NodeReader;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.rocksdb.ReadOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's failure detector. Heartbeats land here and stay in memory (never replicated). A node
 * silent for the timeout is declared dead by proposing {@link MarkNodeDead}. Silence is measured from the
 * later of its last heartbeat and the moment this leader first saw the node — so a new leader gives every
 * node a full timeout to find it, and a failover never kills a healthy node.
 *
 * <p>Threads: {@link #heartbeat} from gRPC threads; {@link #tick} on its own scheduler (tests call it
 * directly with an injected clock). Soft state, rebuilt on every start.
 */
public final class HeartbeatMonitor implements LeaderService, StateMachineListener {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatMonitor.class);

  /** The last report of one node, as this leader received it. */
  public record Beat(long atMs, HeartbeatRequest report) {}

  private final GcsStateMachine stateMachine;
  private final WritePath writes;
  private final Clock clock;
  private final NodeMonitorConfig cfg;
  private final Map<ByteString, Beat> beats = new ConcurrentHashMap<>();
  private final Map<ByteString, Long> firstSeen = new ConcurrentHashMap<>();
  private final Set<ByteString> proposing = ConcurrentHashMap.newKeySet();
  /**
   * Node ids alive at the last tick and unchanged since: a heartbeat from one of them needs no store
   * read. Any applied change to a node's row takes it out until the next tick.
   */
  private volatile Set<ByteString> knownAlive = ConcurrentHashMap.newKeySet();
  /** Node ids whose rows changed since the current tick began reading (kept out of the next set). */
  private final Set<ByteString> changedSinceRead = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> task;
  private volatile boolean active;

  public HeartbeatMonitor(GcsStateMachine stateMachine, WritePath writes, Clock clock, NodeMonitorConfig cfg) {
    this.stateMachine = stateMachine;
    this.writes = writes;
    this.clock = clock;
    this.cfg = cfg;
  }

  public NodeMonitorConfig config() {
    return cfg;
  }

  @Override
  public synchronized void start() {
    beats.clear();
    firstSeen.clear();
    proposing.clear();
    knownAlive = ConcurrentHashMap.newKeySet();
    // Every node alive now gets a full timeout from this moment; nodes registered later from when seen.
    long startedAt = clock.millis();
    for (GcsNodeInfo n : aliveNodes()) {
      firstSeen.put(n.getNodeId(), startedAt);
    }
    active = true;
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "heartbeat-monitor");
      t.setDaemon(true);
      return t;
    });
    task = scheduler.scheduleWithFixedDelay(this::safeTick, cfg.checkPeriodMs(), cfg.checkPeriodMs(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    active = false;
    if (task != null) {
      task.cancel(false);
      scheduler.shutdownNow();
    }
    beats.clear();
    firstSeen.clear();
    knownAlive = ConcurrentHashMap.newKeySet();
  }

  public boolean isActive() {
    return active;
  }

  /** Apply thread: a changed node row (death, drain, re-registration) is read from the store again. */
  @Override
  public void onApplied(long index, EventBatch events) {
    if (!active) {
      return;
    }
    Set<ByteString> known = knownAlive;
    for (Event e : events.getEventsList()) {
      if (e.getChannel() == Channel.NODE) {
        changedSinceRead.add(e.getKey());
        known.remove(e.getKey());
      }
    }
  }

  /**
   * Records a heartbeat; false if the node is not alive in the table (the agent must re-register).
   * Nodes alive at the last tick are taken from memory; only a node registered or changed since
   * costs a read of the table.
   */
  public boolean heartbeat(HeartbeatRequest req) {
    if (!knownAlive.contains(req.getNodeId()) && !isAlive(req.getNodeId())) {
      return false;
    }
    beats.put(req.getNodeId(), new Beat(clock.millis(), req));
    return true;
  }

  public Optional<Beat> lastBeat(ByteString nodeId) {
    return Optional.ofNullable(beats.get(nodeId));
  }

  private boolean isAlive(ByteString nodeId) {
    return stateMachine.read(store -> {
      try (ReadOptions ro = new ReadOptions()) {
        var reply = NodeReader.get(store, ro, io.raftgcs.proto.GetNodeRequest.newBuilder().setNodeId(nodeId).build());
        return reply.hasNodeInfo() && reply.getNodeInfo().getState() == NodeState.ALIVE;
      }
    });
  }

  private void safeTick() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warn("heartbeat check failed: {}", e.toString());
    }
  }

  /** One pass: propose the death of every alive node silent for longer than the timeout. */
  public void tick() {
    if (!active) {
      return;
    }
    long now = clock.millis();
    Set<ByteString> alive = new HashSet<>();
    // Changes applied from here on may or may not show in the read below: keep them out of the set.
    changedSinceRead.clear();
    for (GcsNodeInfo n : aliveNodes()) {
      ByteString id = n.getNodeId();
      alive.add(id);
      long seen = firstSeen.computeIfAbsent(id, k -> now);
      Beat b = beats.get(id);
      long last = Math.max(seen, b == null ? Long.MIN_VALUE : b.atMs());
      if (now - last > cfg.nodeTimeoutMs() && proposing.add(id)) {
        proposeDeath(id, now - last, b == null ? 0 : b.atMs());
      }
    }
    beats.keySet().retainAll(alive);
    firstSeen.keySet().retainAll(alive);
    Set<ByteString> known = ConcurrentHashMap.newKeySet(alive.size());
    known.addAll(alive);
    known.removeAll(changedSinceRead);
    knownAlive = known;
    known.removeAll(changedSinceRead); // what was applied while the set was being published
  }

  private List<GcsNodeInfo> aliveNodes() {
    return stateMachine.read(store -> {
      try (ReadOptions ro = new ReadOptions()) {
        return NodeReader.all(store, ro).stream().filter(n -> n.getState() == NodeState.ALIVE).toList();
      }
    });
  }

  private void proposeDeath(ByteString id, long silentMs, long lastBeatMs) {
    LOG.info("node {} silent for {} ms: proposing its death", io.raftgcs.statemachine.table.NodeTable.hex(id), silentMs);
    MarkNodeDead cmd = MarkNodeDead.newBuilder().setNodeId(id).setLastHeartbeatMs(lastBeatMs)
        .setDeathInfo(NodeDeathInfo.newBuilder().setReason(NodeDeathInfo.Reason.UNEXPECTED_TERMINATION)
            .setReasonMessage("health check failed: no heartbeat for " + silentMs + " ms")).build();
    writes.submit(null, Command.newBuilder().setMarkNodeDead(cmd)).whenComplete((r, e) -> {
      proposing.remove(id);
      if (e != null) {
        LOG.warn("proposing death of node failed (will retry while leader): {}", e.toString());
      }
    });
  }
}
