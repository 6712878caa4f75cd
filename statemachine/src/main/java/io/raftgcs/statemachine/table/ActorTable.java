package io.raftgcs.statemachine.table;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorAssignment;
import io.raftgcs.proto.ActorDeathCause;
import io.raftgcs.proto.ActorDeathCause.Kind;
import io.raftgcs.proto.ActorPlacement;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.CreateActorReply;
import io.raftgcs.proto.CreateActorRequest;
import io.raftgcs.proto.EventKind;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.KillActorViaGcsRequest;
import io.raftgcs.proto.NodeDeathInfo;
import io.raftgcs.proto.NodeState;
import io.raftgcs.proto.PlaceActors;
import io.raftgcs.proto.RegisterActorRequest;
import io.raftgcs.proto.ReportActorCreationFailedRequest;
import io.raftgcs.proto.ReportActorOutOfScopeRequest;
import io.raftgcs.proto.ReportActorStartedRequest;
import io.raftgcs.proto.RestartActorForLineageReconstructionRequest;
import io.raftgcs.proto.ResultCode;
import io.raftgcs.proto.UnplaceActor;
import io.raftgcs.proto.WorkerTableData;
import io.raftgcs.statemachine.apply.Txn;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * The actor table: Ray's lifecycle (see {@link ActorLifecycle}), named-actor reservations, committed
 * placements with their allocations, and the agent protocol (placement → started/failed). Every change
 * is published on the ACTOR channel; placements also on NODE_ASSIGNMENT (key node_id + actor_id).
 *
 * <p>Dead actors are kept up to a bound (Ray's destroyed-actor cache), oldest death dropped first at the end of
 * each entry ({@link #trimDead}); a dropped actor's row is deleted and published as a DELETE.
 *
 * <p>Replicated rows plus two in-memory structures rebuilt by {@link #load}: the query index
 * ({@link ActorIndex}, staged here and published with the entry's batch) and the dead-actor drop order
 * ({@link DeadActorRetention}). Failure cascades still scan the table. Apply thread only.
 */
public final class ActorTable implements NodeTable.DeathListener {
  static final String HOLDER_PREFIX = "actor:";

  /** Something that must happen in the same entry when an actor becomes DEAD (placement groups, job exports). */
  public interface DeathListener {
    void onActorDead(Txn txn, ActorTableData dead);
  }

  private final List<DeathListener> deathListeners = new ArrayList<>();
  private final ActorIndex index = new ActorIndex();
  private final DeadActorRetention dead = new DeadActorRetention();

  /** Rebuilds the query index and the dead-actor order from the store (after open or snapshot install). */
  public void load(GcsStore store) {
    dead.clear();
    index.rebuild(add -> {
      try (ReadOptions ro = new ReadOptions(); RocksIterator it = store.iterator(Cf.ACTORS, ro)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          ActorTableData row = Rows.parse(ActorTableData.parser(), it.value());
          add.accept(row);
          dead.track(row);
        }
      }
    });
  }

  /** The query side of this table; the applier publishes it with each entry's batch. */
  public ActorIndex index() {
    return index;
  }

  /** Number of dead actors kept. */
  public int deadCount() {
    return dead.size();
  }

  /**
   * Ray's destroyed-actor cache bound: drops the dead actors beyond {@code maxDead}, oldest death first (row,
   * name if it still holds one, DELETE event). Called once per entry, after its commands.
   */
  public void trimDead(Txn txn, int maxDead) {
    for (ByteString id : dead.overflow(maxDead)) {
      byte[] key = id.toByteArray();
      get(txn, id).filter(ActorTableData::getHoldsName).ifPresent(a -> {
        byte[] nk = nameKey(a.getRayNamespace(), a.getName());
        if (Arrays.equals(txn.get(Cf.ACTOR_NAMES, nk), key)) {
          txn.delete(Cf.ACTOR_NAMES, nk);
        }
      });
      txn.delete(Cf.ACTORS, key);
      txn.emit(Channel.ACTOR, "", key, EventKind.DELETE, null);
      index.stageRemoval(id);
    }
  }

  /** Registered once at wiring time, in a fixed order (the order cascades run in). */
  public void addDeathListener(DeathListener l) {
    deathListeners.add(l);
  }

  /** The job finished: its live non-detached actors (and detached ones never created) die with OWNER_DIED. */
  public void jobFinished(Txn txn, ByteString jobId) {
    for (ActorTableData a : scan(txn, x -> x.getState() != ActorState.DEAD && x.getJobId().equals(jobId)
        && (!x.getIsDetached() || x.getState() == ActorState.DEPENDENCIES_UNREADY))) {
      finish(txn, a, ActorLifecycle.dead(a, ActorLifecycle.cause(Kind.OWNER_DIED, "the job finished"),
          txn.leaderTimeMs(), txn.revision()));
    }
  }

  /** Whether any detached actor of the job is still alive (holds the job's exported functions). */
  public static boolean hasLiveDetached(Txn txn, ByteString jobId) {
    return !scan(txn, x -> x.getState() != ActorState.DEAD && x.getIsDetached() && x.getJobId().equals(jobId)).isEmpty();
  }

  public static Optional<ActorTableData> get(Txn txn, ByteString id) {
    byte[] v = txn.get(Cf.ACTORS, id.toByteArray());
    return v == null ? Optional.empty() : Optional.of(Rows.parse(ActorTableData.parser(), v));
  }

  static byte[] nameKey(String ns, String name) {
    return (ns + "\u0000" + name).getBytes(StandardCharsets.UTF_8);
  }

  public Outcome<Void> register(Txn txn, RegisterActorRequest req) {
    ActorTableData spec = req.getSpec();
    if (get(txn, spec.getActorId()).isPresent()) {
      return Outcome.ok(null);   // duplicate registration (a retry): already there
    }
    boolean named = !spec.getName().isEmpty();
    if (named) {
      byte[] holder = txn.get(Cf.ACTOR_NAMES, nameKey(spec.getRayNamespace(), spec.getName()));
      if (holder != null) {
        return Outcome.fail(ResultCode.ALREADY_EXISTS, "actor name '" + spec.getName() + "' is taken in namespace '"
            + spec.getRayNamespace() + "'");
      }
      txn.put(Cf.ACTOR_NAMES, nameKey(spec.getRayNamespace(), spec.getName()), spec.getActorId().toByteArray());
    }
    ActorTableData row = spec.toBuilder().setState(ActorState.DEPENDENCIES_UNREADY).setNumRestarts(0)
        .clearNodeId().clearAddress().clearDeathCause().setHoldsName(named).setPlacementAttempt(0)
        .setStartTimeMs(txn.leaderTimeMs()).setCreateRevision(txn.revision()).setModRevision(txn.revision()).build();
    write(txn, null, row);
    return Outcome.ok(null);
  }

  public Outcome<CreateActorReply> create(Txn txn, CreateActorRequest req) {
    Optional<ActorTableData> a = get(txn, req.getActorId());
    if (a.isEmpty()) {
      return Outcome.fail(ResultCode.NOT_FOUND, "actor " + NodeTable.hex(req.getActorId()) + " is not registered");
    }
    ActorTableData row = a.get();
    if (row.getState() == ActorState.DEPENDENCIES_UNREADY) {
      row = row.toBuilder().setState(ActorState.PENDING_CREATION).setModRevision(txn.revision()).build();
      write(txn, a.get(), row);
    }
    return Outcome.ok(CreateActorReply.newBuilder().setActor(row).build());
  }

  /** The scheduler's decisions, each re-checked: a stale one (actor moved on, node gone, capacity taken) is dropped. */
  public void place(Txn txn, PlaceActors cmd) {
    for (ActorPlacement p : cmd.getPlacementsList()) {
      Optional<ActorTableData> a = get(txn, p.getActorId());
      Optional<GcsNodeInfo> node = NodeTable.get(txn, p.getNodeId());
      if (a.isEmpty() || !awaitingPlacement(a.get()) || a.get().getPlacementAttempt() != p.getExpectedAttempt()
          || node.isEmpty() || node.get().getState() != NodeState.ALIVE || node.get().hasDrain()
          || (BundleUsage.inGroup(a.get()) ? !BundleUsage.admits(txn, a.get(), p)
              : !Allocations.fits(txn, node.get(), a.get().getRequiredResourcesMap()))) {
        continue;
      }
      ActorTableData row = a.get().toBuilder().setNodeId(p.getNodeId()).setPlacementAttempt(p.getExpectedAttempt() + 1)
          .setPlacedBundleIndex(BundleUsage.inGroup(a.get()) ? p.getBundleIndex() : 0)
          .setPlacedAtMs(txn.leaderTimeMs()).setModRevision(txn.revision()).build();
      if (BundleUsage.inGroup(row)) {
        // Taken from the bundle's reservation, which is already allocated on the node.
        BundleUsage.allocate(txn, row.getSchedulingStrategy().getPlacementGroupId(), row.getPlacedBundleIndex(),
            p.getNodeId(), holder(row), row.getRequiredResourcesMap());
      } else {
        Allocations.allocate(txn, p.getNodeId(), holder(row), row.getRequiredResourcesMap());
      }
      write(txn, a.get(), row);
    }
    for (ByteString id : cmd.getUnschedulableList()) {
      get(txn, id).filter(ActorTable::awaitingPlacement).ifPresent(a -> finish(txn, a,
          ActorLifecycle.dead(a, ActorLifecycle.cause(Kind.UNSCHEDULABLE, BundleUsage.inGroup(a)
              ? "its placement group was removed or none of its bundles can ever host this actor"
              : "no node can ever host this actor"), txn.leaderTimeMs(), txn.revision())));
    }
  }

  /** A placement group was removed: the actors scheduled into it die (its bundles' capacity is gone). */
  public void onPlacementGroupRemoved(Txn txn, ByteString pgId) {
    for (ActorTableData a : scan(txn, x -> x.getState() != ActorState.DEAD && BundleUsage.inGroup(x)
        && x.getSchedulingStrategy().getPlacementGroupId().equals(pgId))) {
      finish(txn, a, ActorLifecycle.dead(a, ActorLifecycle.cause(Kind.UNSCHEDULABLE,
          "its placement group was removed"), txn.leaderTimeMs(), txn.revision()));
    }
  }

  static boolean awaitingPlacement(ActorTableData a) {
    return (a.getState() == ActorState.PENDING_CREATION || a.getState() == ActorState.RESTARTING)
        && a.getNodeId().isEmpty();
  }

  static boolean placedUnconfirmed(ActorTableData a) {
    return (a.getState() == ActorState.PENDING_CREATION || a.getState() == ActorState.RESTARTING)
        && !a.getNodeId().isEmpty();
  }

  /** A placement nobody confirmed in time: release it so the scheduler places the actor again. */
  public void unplace(Txn txn, UnplaceActor cmd) {
    get(txn, cmd.getActorId()).filter(a -> placedUnconfirmed(a) && a.getPlacementAttempt() == cmd.getAttempt())
        .ifPresent(a -> finish(txn, a, a.toBuilder().clearNodeId().setModRevision(txn.revision()).build()));
  }

  public Outcome<Void> started(Txn txn, ReportActorStartedRequest req) {
    Optional<ActorTableData> a = get(txn, req.getActorId());
    if (a.isEmpty() || !placedUnconfirmed(a.get()) || a.get().getPlacementAttempt() != req.getAttempt()) {
      return Outcome.fail(ResultCode.FAILED_PRECONDITION, "stale report: actor " + NodeTable.hex(req.getActorId())
          + " is not awaiting attempt " + req.getAttempt() + " on this node");
    }
    ActorTableData row = a.get().toBuilder().setState(ActorState.ALIVE)
        .setAddress(req.getAddress().toBuilder().setNodeId(a.get().getNodeId())).setPid(req.getPid())
        .setModRevision(txn.revision()).build();
    write(txn, a.get(), row);
    WorkerTable.upsert(txn, WorkerTableData.newBuilder().setWorkerAddress(row.getAddress()).setIsAlive(true)
        .setPid(req.getPid()).setJobId(row.getJobId()).setStartTimeMs(txn.leaderTimeMs()).build());
    return Outcome.ok(null);
  }

  public Outcome<Void> creationFailed(Txn txn, ReportActorCreationFailedRequest req) {
    Optional<ActorTableData> a = get(txn, req.getActorId());
    if (a.isEmpty() || !placedUnconfirmed(a.get()) || a.get().getPlacementAttempt() != req.getAttempt()) {
      return Outcome.fail(ResultCode.FAILED_PRECONDITION, "stale report for actor " + NodeTable.hex(req.getActorId()));
    }
    if (req.getRetryable()) {
      finish(txn, a.get(), a.get().toBuilder().clearNodeId().setModRevision(txn.revision()).build());
    } else {
      ActorDeathCause c = req.hasDeathCause() ? req.getDeathCause()
          : ActorLifecycle.cause(Kind.CREATION_TASK_FAILED, "the actor's constructor failed");
      finish(txn, a.get(), ActorLifecycle.dead(a.get(), c, txn.leaderTimeMs(), txn.revision()));
    }
    return Outcome.ok(null);
  }

  public Outcome<Void> kill(Txn txn, KillActorViaGcsRequest req) {
    Optional<ActorTableData> a = get(txn, req.getActorId());
    if (a.isEmpty()) {
      return Outcome.fail(ResultCode.NOT_FOUND, "actor " + NodeTable.hex(req.getActorId()) + " is not known");
    }
    ActorTableData row = a.get();
    ActorDeathCause c = ActorLifecycle.cause(Kind.RAY_KILL, "killed by KillActorViaGcs");
    if (row.getState() == ActorState.DEAD) {
      if (req.getNoRestart() && row.getHoldsName()) {
        finish(txn, row, row.toBuilder().setHoldsName(false).setModRevision(txn.revision()).build());
      }
      return Outcome.ok(null);
    }
    if (req.getNoRestart()) {
      finish(txn, row, ActorLifecycle.dead(row, c, txn.leaderTimeMs(), txn.revision()));
    } else {
      finish(txn, row, ActorLifecycle.failed(row, c, false, txn.leaderTimeMs(), txn.revision()));
    }
    return Outcome.ok(null);
  }

  public void outOfScope(Txn txn, ReportActorOutOfScopeRequest req) {
    get(txn, req.getActorId()).filter(a -> a.getState() != ActorState.DEAD
            && req.getNumRestartsDueToLineageReconstruction() >= a.getNumRestartsDueToLineageReconstruction())
        .ifPresent(a -> finish(txn, a, ActorLifecycle.dead(a, ActorLifecycle.cause(Kind.OUT_OF_SCOPE,
            "all references to the actor were removed"), txn.leaderTimeMs(), txn.revision())));
  }

  public Outcome<Void> restartForLineage(Txn txn, RestartActorForLineageReconstructionRequest req) {
    Optional<ActorTableData> a = get(txn, req.getActorId());
    if (a.isEmpty()) {
      return Outcome.fail(ResultCode.NOT_FOUND, "actor " + NodeTable.hex(req.getActorId()) + " is not known");
    }
    ActorTableData row = a.get();
    if (req.getNumRestartsDueToLineageReconstruction() <= row.getNumRestartsDueToLineageReconstruction()) {
      return Outcome.ok(null);   // stale or duplicate: already restarted for this counter
    }
    if (row.getState() != ActorState.DEAD || row.getDeathCause().getKind() != Kind.OUT_OF_SCOPE) {
      return Outcome.fail(ResultCode.FAILED_PRECONDITION, "only an actor dead because it went out of scope can be"
          + " restarted for lineage reconstruction");
    }
    boolean named = !row.getName().isEmpty();
    if (named && txn.get(Cf.ACTOR_NAMES, nameKey(row.getRayNamespace(), row.getName())) != null) {
      return Outcome.fail(ResultCode.ALREADY_EXISTS, "actor name '" + row.getName() + "' was taken meanwhile");
    }
    if (named) {
      txn.put(Cf.ACTOR_NAMES, nameKey(row.getRayNamespace(), row.getName()), row.getActorId().toByteArray());
    }
    write(txn, row, row.toBuilder().setState(ActorState.RESTARTING).setNumRestarts(row.getNumRestarts() + 1)
        .setNumRestartsDueToLineageReconstruction(req.getNumRestartsDueToLineageReconstruction())
        .clearDeathCause().setEndTimeMs(0).clearDeathRevision().setHoldsName(named).setModRevision(txn.revision())
        .build());
    return Outcome.ok(null);
  }

  /** A worker died: its actors follow the restart rules (user intent is final); its non-detached children die. */
  public void workerDied(Txn txn, WorkerTableData w) {
    ByteString worker = w.getWorkerAddress().getWorkerId();
    for (ActorTableData a : scan(txn, x -> x.getState() == ActorState.ALIVE
        && x.getAddress().getWorkerId().equals(worker))) {
      ActorTableData next = switch (w.getExitType()) {
        case INTENDED_USER_EXIT -> ActorLifecycle.dead(a, ActorLifecycle.cause(Kind.INTENDED_EXIT,
            "the actor exited intentionally"), txn.leaderTimeMs(), txn.revision());
        case USER_ERROR -> ActorLifecycle.dead(a, ActorLifecycle.cause(Kind.CREATION_TASK_FAILED,
            w.getCreationTaskException().isEmpty() ? "user error" : w.getCreationTaskException()),
            txn.leaderTimeMs(), txn.revision());
        default -> ActorLifecycle.failed(a, ActorLifecycle.cause(Kind.WORKER_DIED, "the worker process has died: "
            + w.getExitDetail()), false, txn.leaderTimeMs(), txn.revision());
      };
      finish(txn, a, next);
    }
    ownerDied(txn, x -> x.getOwnerAddress().getWorkerId().equals(worker), "the owner worker has died");
  }

  @Override
  public void onNodeDead(Txn txn, GcsNodeInfo node) {
    ByteString id = node.getNodeId();
    boolean preempted = node.getDeathInfo().getReason() == NodeDeathInfo.Reason.AUTOSCALER_DRAIN_PREEMPTED;
    for (ActorTableData a : scan(txn, x -> x.getState() != ActorState.DEAD && x.getNodeId().equals(id))) {
      finish(txn, a, ActorLifecycle.failed(a, ActorLifecycle.cause(Kind.NODE_DIED, "the node has died"), preempted,
          txn.leaderTimeMs(), txn.revision()));
    }
    ownerDied(txn, x -> x.getOwnerAddress().getNodeId().equals(id), "the owner's node has died");
  }

  private void ownerDied(Txn txn, Predicate<ActorTableData> ownedBy, String why) {
    for (ActorTableData a : scan(txn, x -> x.getState() != ActorState.DEAD && ownedBy.test(x)
        && (!x.getIsDetached() || x.getState() == ActorState.DEPENDENCIES_UNREADY))) {
      finish(txn, a, ActorLifecycle.dead(a, ActorLifecycle.cause(Kind.OWNER_DIED, why), txn.leaderTimeMs(),
          txn.revision()));
    }
  }

  /** Writes a transition and its consequences: allocation and name release, assignment change. */
  private void finish(Txn txn, ActorTableData before, ActorTableData after) {
    if (!before.getNodeId().isEmpty() && !before.getNodeId().equals(after.getNodeId())) {
      if (BundleUsage.inGroup(before)) {
        BundleUsage.release(txn, before.getSchedulingStrategy().getPlacementGroupId(), before.getPlacedBundleIndex(),
            holder(before));
      } else {
        Allocations.release(txn, before.getNodeId(), holder(before));
      }
    }
    if (before.getHoldsName() && !after.getHoldsName()) {
      txn.delete(Cf.ACTOR_NAMES, nameKey(before.getRayNamespace(), before.getName()));
    }
    write(txn, before, after);
    if (before.getState() != ActorState.DEAD && after.getState() == ActorState.DEAD) {
      for (DeathListener l : deathListeners) {
        l.onActorDead(txn, after);
      }
    }
  }

  private void write(Txn txn, ActorTableData before, ActorTableData row) {
    byte[] bytes = row.toByteArray();
    txn.put(Cf.ACTORS, row.getActorId().toByteArray(), bytes);
    index.stage(row);
    dead.track(row);
    txn.emit(Channel.ACTOR, "", row.getActorId().toByteArray(), EventKind.PUT, bytes);
    boolean wasAssigned = before != null && placedUnconfirmed(before);
    boolean isAssigned = placedUnconfirmed(row);
    if (isAssigned && (!wasAssigned || before.getPlacementAttempt() != row.getPlacementAttempt())) {
      txn.emit(Channel.NODE_ASSIGNMENT, "", assignmentKey(row.getNodeId(), row.getActorId()), EventKind.PUT,
          ActorAssignment.newBuilder().setActor(row).build().toByteArray());
    }
    if (wasAssigned && (!isAssigned || !before.getNodeId().equals(row.getNodeId()))) {
      txn.emit(Channel.NODE_ASSIGNMENT, "", assignmentKey(before.getNodeId(), row.getActorId()), EventKind.DELETE, null);
    }
  }

  public static byte[] assignmentKey(ByteString nodeId, ByteString actorId) {
    return nodeId.concat(actorId).toByteArray();
  }

  static String holder(ActorTableData a) {
    return HOLDER_PREFIX + NodeTable.hex(a.getActorId());
  }

  private static List<ActorTableData> scan(Txn txn, Predicate<ActorTableData> p) {
    List<ActorTableData> out = new ArrayList<>();
    txn.scanPrefix(Cf.ACTORS, new byte[0], (k, v) -> {
      ActorTableData a = Rows.parse(ActorTableData.parser(), v);
      if (p.test(a)) {
        out.add(a);
      }
    });
    return out;
  }
}
