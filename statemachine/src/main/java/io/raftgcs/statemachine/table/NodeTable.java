package io.raftgcs.statemachine.table;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.DrainInfo;
import io.raftgcs.proto.DrainNodeReply;
import io.raftgcs.proto.DrainNodeRequest;
import io.raftgcs.proto.DrainReason;
import io.raftgcs.proto.EventKind;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.MarkNodeDead;
import io.raftgcs.proto.NodeDeathInfo;
import io.raftgcs.proto.NodeState;
import io.raftgcs.proto.RegisterNodeReply;
import io.raftgcs.proto.RegisterNodeRequest;
import io.raftgcs.proto.ResultCode;
import io.raftgcs.proto.UnregisterNodeReply;
import io.raftgcs.proto.UnregisterNodeRequest;
import io.raftgcs.statemachine.apply.Txn;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * The node table with Ray's rules: ALIVE → DEAD only (a restarted node registers under a new id); a new
 * head node first kills the alive head; unregister is idempotent; dead nodes are kept up to a bound,
 * oldest (by end time, then id) dropped first. Every change is published on the NODE channel.
 *
 * <p>Replicated rows plus two in-memory indexes (the alive head, the dead-node eviction order),
 * rebuilt by {@link #load}. Apply thread only.
 */
public final class NodeTable {
  /** Something that must happen in the same entry when a node dies (workers, actors, bundles, jobs). */
  public interface DeathListener {
    void onNodeDead(Txn txn, GcsNodeInfo dead);
  }

  private record DeadKey(long endTimeMs, byte[] id) {}

  private static final Comparator<DeadKey> DEAD_ORDER =
      Comparator.comparingLong(DeadKey::endTimeMs).thenComparing(DeadKey::id, Arrays::compareUnsigned);

  private final TreeSet<DeadKey> dead = new TreeSet<>(DEAD_ORDER);
  private final List<DeathListener> deathListeners = new ArrayList<>();
  private byte[] aliveHead;

  /** Registered once at wiring time, in a fixed order (the order cascades run in). */
  public void addDeathListener(DeathListener l) {
    deathListeners.add(l);
  }

  public void load(GcsStore store) {
    dead.clear();
    aliveHead = null;
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = store.iterator(Cf.NODES, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        GcsNodeInfo n = Rows.parse(GcsNodeInfo.parser(), it.value());
        if (n.getState() == NodeState.DEAD) {
          dead.add(new DeadKey(n.getEndTimeMs(), n.getNodeId().toByteArray()));
        } else if (n.getIsHeadNode()) {
          aliveHead = n.getNodeId().toByteArray();
        }
      }
    }
  }

  public static Optional<GcsNodeInfo> get(Txn txn, ByteString nodeId) {
    byte[] v = txn.get(Cf.NODES, nodeId.toByteArray());
    return v == null ? Optional.empty() : Optional.of(Rows.parse(GcsNodeInfo.parser(), v));
  }

  public static boolean isAlive(Txn txn, ByteString nodeId) {
    return get(txn, nodeId).map(n -> n.getState() == NodeState.ALIVE).orElse(false);
  }

  /** An already-alive node registering again is a no-op (idempotent); a dead id cannot come back. */
  public Outcome<RegisterNodeReply> register(Txn txn, RegisterNodeRequest req, int maxDead) {
    GcsNodeInfo in = req.getNodeInfo();
    Optional<GcsNodeInfo> existing = get(txn, in.getNodeId());
    if (existing.isPresent()) {
      if (existing.get().getState() == NodeState.DEAD) {
        return Outcome.fail(ResultCode.FAILED_PRECONDITION,
            "node " + hex(in.getNodeId()) + " is dead; a restarted node must register with a new node_id");
      }
      return Outcome.ok(RegisterNodeReply.getDefaultInstance());
    }
    if (in.getIsHeadNode() && aliveHead != null) {
      markDead(txn, ByteString.copyFrom(aliveHead), NodeDeathInfo.newBuilder()
          .setReason(NodeDeathInfo.Reason.UNEXPECTED_TERMINATION)
          .setReasonMessage("replaced by new head node " + hex(in.getNodeId())).build(), maxDead);
    }
    GcsNodeInfo row = in.toBuilder().setState(NodeState.ALIVE).clearDeathInfo().clearDrain().setEndTimeMs(0)
        .setStartTimeMs(in.getStartTimeMs() > 0 ? in.getStartTimeMs() : txn.leaderTimeMs())
        .setCreateRevision(txn.revision()).setModRevision(txn.revision()).build();
    write(txn, row);
    if (row.getIsHeadNode()) {
      aliveHead = row.getNodeId().toByteArray();
    }
    return Outcome.ok(RegisterNodeReply.getDefaultInstance());
  }

  public UnregisterNodeReply unregister(Txn txn, UnregisterNodeRequest req, int maxDead) {
    NodeDeathInfo info = req.hasNodeDeathInfo() ? req.getNodeDeathInfo()
        : NodeDeathInfo.newBuilder().setReason(NodeDeathInfo.Reason.EXPECTED_TERMINATION).build();
    markDead(txn, req.getNodeId(), info, maxDead);
    return UnregisterNodeReply.getDefaultInstance();
  }

  /** The monitor's verdict; a no-op if the node already died. */
  public void markDead(Txn txn, MarkNodeDead cmd, int maxDead) {
    markDead(txn, cmd.getNodeId(), cmd.getDeathInfo(), maxDead);
  }

  public DrainNodeReply drain(Txn txn, DrainNodeRequest req) {
    Optional<GcsNodeInfo> n = get(txn, req.getNodeId());
    if (n.isEmpty() || n.get().getState() == NodeState.DEAD) {
      // Ray accepts draining an unknown or dead node: there is nothing left to drain.
      return DrainNodeReply.newBuilder().setAccepted(true).build();
    }
    DrainInfo d = DrainInfo.newBuilder().setReason(req.getReason()).setReasonMessage(req.getReasonMessage())
        .setDeadlineMs(req.getDeadlineMs()).setRequestedAtMs(txn.leaderTimeMs()).build();
    write(txn, n.get().toBuilder().setDrain(d).setModRevision(txn.revision()).build());
    return DrainNodeReply.newBuilder().setAccepted(true).build();
  }

  private void markDead(Txn txn, ByteString nodeId, NodeDeathInfo info, int maxDead) {
    Optional<GcsNodeInfo> n = get(txn, nodeId);
    if (n.isEmpty() || n.get().getState() == NodeState.DEAD) {
      return;
    }
    NodeDeathInfo reason = info;
    if (n.get().hasDrain() && info.getReason() == NodeDeathInfo.Reason.UNEXPECTED_TERMINATION) {
      // A drained node going silent is its drain completing, as Ray infers it.
      reason = info.toBuilder().setReason(n.get().getDrain().getReason() == DrainReason.DRAIN_PREEMPTION
          ? NodeDeathInfo.Reason.AUTOSCALER_DRAIN_PREEMPTED : NodeDeathInfo.Reason.AUTOSCALER_DRAIN_IDLE).build();
    }
    GcsNodeInfo row = n.get().toBuilder().setState(NodeState.DEAD).setDeathInfo(reason)
        .setEndTimeMs(txn.leaderTimeMs()).clearDrain().setModRevision(txn.revision()).build();
    write(txn, row);
    if (aliveHead != null && Arrays.equals(aliveHead, nodeId.toByteArray())) {
      aliveHead = null;
    }
    dead.add(new DeadKey(row.getEndTimeMs(), nodeId.toByteArray()));
    for (DeathListener l : deathListeners) {
      l.onNodeDead(txn, row);
    }
    while (dead.size() > Math.max(0, maxDead)) {
      DeadKey oldest = dead.pollFirst();
      txn.delete(Cf.NODES, oldest.id());
      txn.emit(Channel.NODE, "", oldest.id(), EventKind.DELETE, null);
    }
  }

  private static void write(Txn txn, GcsNodeInfo row) {
    byte[] bytes = row.toByteArray();
    txn.put(Cf.NODES, row.getNodeId().toByteArray(), bytes);
    txn.emit(Channel.NODE, "", row.getNodeId().toByteArray(), EventKind.PUT, bytes);
  }

  public static String hex(ByteString id) {
    return java.util.HexFormat.of().formatHex(id.toByteArray());
  }

  public int deadCount() {
    return dead.size();
  }
}
