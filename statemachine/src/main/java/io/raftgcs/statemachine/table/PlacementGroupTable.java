package io.raftgcs.statemachine.table;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.Bundle;
import io.raftgcs.proto.BundleAssignment;
import io.raftgcs.proto.BundlePlacement;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.CreatePlacementGroupRequest;
import io.raftgcs.proto.EventKind;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.JobTableData;
import io.raftgcs.proto.NodeState;
import io.raftgcs.proto.PlacePlacementGroups;
import io.raftgcs.proto.PlacementGroupPlacement;
import io.raftgcs.proto.PlacementGroupSpec;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementGroupTableData.PlacementGroupState;
import io.raftgcs.proto.RemovePlacementGroupRequest;
import io.raftgcs.proto.ResultCode;
import io.raftgcs.statemachine.apply.Txn;
import io.raftgcs.statemachine.store.Cf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The placement group table: PENDING → CREATED, CREATED → RESCHEDULING when a node holding bundles dies
 * (only those bundles are released and placed again), any → REMOVED (idempotent, frees the name and every
 * bundle's allocation). The leader's scheduler proposes {@link PlacePlacementGroups}; apply re-checks each
 * group as a whole and commits all of its unplaced bundles or none, allocating each bundle's capacity under
 * the holder {@code pg:<hex id>:<index>} (see {@link Allocations}), so capacity is never handed out twice.
 * Committed bundles are published on NODE_ASSIGNMENT (key node_id + pg_id + 4-byte index, value
 * {@link BundleAssignment}); rows on PLACEMENT_GROUP. There is no agent confirmation step: a committed
 * bundle is reserved from the moment its entry is applied.
 *
 * <p>Replicated rows; no in-memory index (cascades scan the table). Apply thread only.
 */
public final class PlacementGroupTable implements NodeTable.DeathListener, ActorTable.DeathListener {
  static final String HOLDER_PREFIX = "pg:";

  /** Something that must happen in the same entry when a group is removed (the actors scheduled into it). */
  public interface RemovalListener {
    void onPlacementGroupRemoved(Txn txn, ByteString placementGroupId);
  }

  private final List<RemovalListener> removalListeners = new ArrayList<>();

  /** Registered once at wiring time, in a fixed order (the order cascades run in). */
  public void addRemovalListener(RemovalListener l) {
    removalListeners.add(l);
  }

  public static Optional<PlacementGroupTableData> get(Txn txn, ByteString id) {
    byte[] v = txn.get(Cf.PLACEMENT_GROUPS, id.toByteArray());
    return v == null ? Optional.empty() : Optional.of(Rows.parse(PlacementGroupTableData.parser(), v));
  }

  static byte[] nameKey(String ns, String name) {
    return (ns + "\u0000" + name).getBytes(StandardCharsets.UTF_8);
  }

  public Outcome<Void> create(Txn txn, CreatePlacementGroupRequest req) {
    PlacementGroupSpec spec = req.getPlacementGroupSpec();
    if (get(txn, spec.getPlacementGroupId()).isPresent()) {
      return Outcome.ok(null);   // duplicate (a retry under another request id): already there
    }
    boolean named = !spec.getName().isEmpty();
    if (named && txn.get(Cf.PG_NAMES, nameKey(spec.getRayNamespace(), spec.getName())) != null) {
      return Outcome.fail(ResultCode.ALREADY_EXISTS, "placement group name '" + spec.getName()
          + "' is taken in namespace '" + spec.getRayNamespace() + "'");
    }
    boolean jobDead = spec.getCreatorJobId().isEmpty() || JobTable.get(txn, spec.getCreatorJobId())
        .map(JobTableData::getIsDead).orElse(false);
    boolean actorDead = spec.getCreatorActorId().isEmpty() || ActorTable.get(txn, spec.getCreatorActorId())
        .map(a -> a.getState() == ActorTableData.ActorState.DEAD).orElse(false);
    if (!spec.getIsDetached() && jobDead && actorDead) {
      return Outcome.fail(ResultCode.FAILED_PRECONDITION, "the creator job and creator actor of a non-detached"
          + " placement group are both dead");
    }
    PlacementGroupTableData.Builder row = PlacementGroupTableData.newBuilder()
        .setPlacementGroupId(spec.getPlacementGroupId()).setName(spec.getName())
        .setRayNamespace(spec.getRayNamespace()).setStrategy(spec.getStrategy()).setState(PlacementGroupState.PENDING)
        .setCreatorJobId(spec.getCreatorJobId()).setCreatorActorId(spec.getCreatorActorId())
        .setCreatorJobDead(jobDead).setCreatorActorDead(actorDead).setIsDetached(spec.getIsDetached())
        .setCreationTimestampMs(txn.leaderTimeMs()).setHoldsName(named)
        .setCreateRevision(txn.revision()).setModRevision(txn.revision());
    for (int i = 0; i < spec.getBundlesCount(); i++) {
      row.addBundles(Bundle.newBuilder().setBundleIndex(i)
          .putAllUnitResources(new TreeMap<>(spec.getBundles(i).getUnitResourcesMap())));
    }
    if (named) {
      txn.put(Cf.PG_NAMES, nameKey(spec.getRayNamespace(), spec.getName()), spec.getPlacementGroupId().toByteArray());
    }
    write(txn, null, row.build());
    return Outcome.ok(null);
  }

  /** Idempotent: removing a removed or unknown group is OK. */
  public void remove(Txn txn, RemovePlacementGroupRequest req) {
    get(txn, req.getPlacementGroupId()).ifPresent(g -> remove(txn, g));
  }

  private void remove(Txn txn, PlacementGroupTableData g) {
    if (g.getState() == PlacementGroupState.REMOVED) {
      return;
    }
    PlacementGroupTableData.Builder b = g.toBuilder().setState(PlacementGroupState.REMOVED)
        .setRemovalTimestampMs(txn.leaderTimeMs()).setHoldsName(false).setModRevision(txn.revision());
    for (int i = 0; i < b.getBundlesCount(); i++) {
      b.setBundles(i, b.getBundles(i).toBuilder().clearNodeId());
    }
    finish(txn, g, b.build());
    for (RemovalListener l : removalListeners) {
      l.onPlacementGroupRemoved(txn, g.getPlacementGroupId());
    }
  }

  /** The scheduler's decisions: each group is re-checked as a whole and committed entirely or not at all. */
  public void place(Txn txn, PlacePlacementGroups cmd) {
    for (PlacementGroupPlacement p : cmd.getPlacementsList()) {
      get(txn, p.getPlacementGroupId()).ifPresent(g -> {
        Map<Integer, ByteString> decided = acceptable(txn, g, p);
        if (decided != null) {
          PlacementGroupTableData.Builder b = g.toBuilder().setState(PlacementGroupState.CREATED)
              .setFinalBundlePlacementTimestampMs(txn.leaderTimeMs())
              .setSchedulingAttempt(g.getSchedulingAttempt() + 1).setModRevision(txn.revision());
          decided.forEach((i, node) -> b.setBundles(i, b.getBundles(i).toBuilder().setNodeId(node)));
          PlacementGroupTableData after = b.build();
          decided.forEach((i, node) -> Allocations.allocate(txn, node, holder(after.getPlacementGroupId(), i),
              after.getBundles(i).getUnitResourcesMap()));
          write(txn, g, after);
        }
      });
    }
  }

  /** The decision as index → node if it still holds in full; null (reject the whole group) otherwise. */
  private static Map<Integer, ByteString> acceptable(Txn txn, PlacementGroupTableData g, PlacementGroupPlacement p) {
    if (!PgLifecycle.awaitingPlacement(g)) {
      return null;
    }
    Map<Integer, ByteString> decided = new TreeMap<>();
    for (BundlePlacement bp : p.getBundlesList()) {
      int i = bp.getBundleIndex();
      if (i < 0 || i >= g.getBundlesCount() || PgLifecycle.placed(g.getBundles(i))
          || decided.put(i, bp.getNodeId()) != null) {
        return null;
      }
    }
    List<ByteString> all = new ArrayList<>();
    for (Bundle b : g.getBundlesList()) {
      ByteString n = PgLifecycle.placed(b) ? b.getNodeId() : decided.get(b.getBundleIndex());
      if (n == null) {
        return null;   // the decision must cover every unplaced bundle
      }
      all.add(n);
    }
    if (!PgLifecycle.honours(g.getStrategy(), all)) {
      return null;
    }
    // Capacity per node for all of this group's new bundles together; earlier groups of the same command
    // are already allocated in the txn, which reads its own writes.
    Map<ByteString, Map<String, Double>> need = new TreeMap<>(ByteString.unsignedLexicographicalComparator());
    decided.forEach((i, node) -> g.getBundles(i).getUnitResourcesMap().forEach((r, q) ->
        need.computeIfAbsent(node, k -> new TreeMap<>()).merge(r, q, Double::sum)));
    for (Map.Entry<ByteString, Map<String, Double>> e : need.entrySet()) {
      Optional<GcsNodeInfo> node = NodeTable.get(txn, e.getKey());
      if (node.isEmpty() || node.get().getState() != NodeState.ALIVE || node.get().hasDrain()
          || !Allocations.fits(txn, node.get(), e.getValue())) {
        return null;
      }
    }
    return decided;
  }

  /** A node died: the bundles on it are released and unplaced; CREATED groups go RESCHEDULING. */
  @Override
  public void onNodeDead(Txn txn, GcsNodeInfo node) {
    ByteString id = node.getNodeId();
    for (PlacementGroupTableData g : scan(txn, x -> x.getState() != PlacementGroupState.REMOVED
        && x.getBundlesList().stream().anyMatch(b -> b.getNodeId().equals(id)))) {
      PlacementGroupTableData.Builder b = g.toBuilder().setModRevision(txn.revision());
      for (int i = 0; i < b.getBundlesCount(); i++) {
        if (b.getBundles(i).getNodeId().equals(id)) {
          b.setBundles(i, b.getBundles(i).toBuilder().clearNodeId());
        }
      }
      if (g.getState() == PlacementGroupState.CREATED) {
        b.setState(PlacementGroupState.RESCHEDULING);
      }
      finish(txn, g, b.build());
    }
  }

  /** The creator actor died: non-detached groups whose creator job is dead too are removed. */
  @Override
  public void onActorDead(Txn txn, ActorTableData dead) {
    ByteString id = dead.getActorId();
    for (PlacementGroupTableData g : scan(txn, x -> !x.getCreatorActorDead() && x.getCreatorActorId().equals(id))) {
      settleCreatorDeath(txn, g, g.toBuilder().setCreatorActorDead(true).setModRevision(txn.revision()).build());
    }
  }

  /** The creator job finished (called by {@link JobTable}). */
  public void creatorJobDied(Txn txn, ByteString jobId) {
    for (PlacementGroupTableData g : scan(txn, x -> !x.getCreatorJobDead() && x.getCreatorJobId().equals(jobId))) {
      settleCreatorDeath(txn, g, g.toBuilder().setCreatorJobDead(true).setModRevision(txn.revision()).build());
    }
  }

  private void settleCreatorDeath(Txn txn, PlacementGroupTableData before, PlacementGroupTableData marked) {
    if (PgLifecycle.shouldRemove(marked)) {
      remove(txn, marked);   // same bundles as before: releases and assignment deletes are computed from it
    } else {
      write(txn, before, marked);
    }
  }

  /** Writes a transition and its consequences: allocations and assignments of bundles that moved, the name. */
  private static void finish(Txn txn, PlacementGroupTableData before, PlacementGroupTableData after) {
    for (int i = 0; i < before.getBundlesCount(); i++) {
      ByteString was = before.getBundles(i).getNodeId();
      if (!was.isEmpty() && !was.equals(after.getBundles(i).getNodeId())) {
        Allocations.release(txn, was, holder(before.getPlacementGroupId(), i));
      }
    }
    if (before.getHoldsName() && !after.getHoldsName()) {
      txn.delete(Cf.PG_NAMES, nameKey(before.getRayNamespace(), before.getName()));
    }
    write(txn, before, after);
  }

  private static void write(Txn txn, PlacementGroupTableData before, PlacementGroupTableData row) {
    byte[] bytes = row.toByteArray();
    txn.put(Cf.PLACEMENT_GROUPS, row.getPlacementGroupId().toByteArray(), bytes);
    txn.emit(Channel.PLACEMENT_GROUP, "", row.getPlacementGroupId().toByteArray(), EventKind.PUT, bytes);
    for (int i = 0; i < row.getBundlesCount(); i++) {
      ByteString was = before == null ? ByteString.EMPTY : before.getBundles(i).getNodeId();
      ByteString now = row.getBundles(i).getNodeId();
      if (was.equals(now)) {
        continue;
      }
      if (!was.isEmpty()) {
        txn.emit(Channel.NODE_ASSIGNMENT, "", assignmentKey(was, row.getPlacementGroupId(), i), EventKind.DELETE, null);
      }
      if (!now.isEmpty()) {
        txn.emit(Channel.NODE_ASSIGNMENT, "", assignmentKey(now, row.getPlacementGroupId(), i), EventKind.PUT,
            assignment(row, i).toByteArray());
      }
    }
  }

  public static BundleAssignment assignment(PlacementGroupTableData g, int i) {
    Bundle b = g.getBundles(i);
    return BundleAssignment.newBuilder().setPlacementGroupId(g.getPlacementGroupId()).setBundleIndex(i)
        .setNodeId(b.getNodeId()).putAllUnitResources(new TreeMap<>(b.getUnitResourcesMap()))
        .setSchedulingAttempt(g.getSchedulingAttempt()).build();
  }

  public static byte[] assignmentKey(ByteString nodeId, ByteString pgId, int index) {
    return nodeId.concat(pgId).concat(ByteString.copyFrom(ByteBuffer.allocate(4).putInt(index).array())).toByteArray();
  }

  public static String holder(ByteString pgId, int index) {
    return HOLDER_PREFIX + NodeTable.hex(pgId) + ":" + index;
  }

  private static List<PlacementGroupTableData> scan(Txn txn, Predicate<PlacementGroupTableData> p) {
    List<PlacementGroupTableData> out = new ArrayList<>();
    txn.scanPrefix(Cf.PLACEMENT_GROUPS, new byte[0], (k, v) -> {
      PlacementGroupTableData g = Rows.parse(PlacementGroupTableData.parser(), v);
      if (p.test(g)) {
        out.add(g);
      }
    });
    return out;
  }
}
