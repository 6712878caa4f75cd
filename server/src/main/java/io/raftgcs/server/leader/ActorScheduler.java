package io.raftgcs.server.leader;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorPlacement;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.PlaceActors;
import io.raftgcs.proto.UnplaceActor;
import io.raftgcs.server.api.WritePath;
import io.raftgcs.server.config.SchedulerConfig;
import io.raftgcs.statemachine.GcsStateMachine;
import io.raftgcs.statemachine.table.ActorReader;
import io.raftgcs.statemachine.table.BundleUsage;
import io.raftgcs.statemachine.table.PlacementGroupReader;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.statemachine.table.NodeReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.rocksdb.ReadOptions;

/**
 * The leader's actor scheduler. A round reads the applied tables, decides placements for every actor
 * awaiting one ({@link PlacementPolicy}), and proposes them as ONE {@link PlaceActors} command; apply
 * re-checks each decision, so a decision made on a stale view (or by a deposed leader) changes nothing.
 * One round is in flight at a time; changes on the actor or node channel trigger the next. Placements
 * not confirmed within the timeout are proposed back to pending.
 *
 * <p>Threads: rounds on its own single thread; wake-ups from the apply thread. Soft state, rebuilt on start.
 */
public final class ActorScheduler extends SchedulingLoop {
  private final GcsStateMachine stateMachine;
  private final WritePath writes;
  private final Clock clock;
  private final SchedulerConfig cfg;
  private int spreadCursor;

  public ActorScheduler(GcsStateMachine stateMachine, WritePath writes, Clock clock, SchedulerConfig cfg) {
    super("actor-scheduler", cfg.periodMs(), writes);
    this.stateMachine = stateMachine;
    this.writes = writes;
    this.clock = clock;
    this.cfg = cfg;
  }

  /** Actor changes can always create work; node and group changes matter only to waiting actors. */
  @Override
  protected boolean wakesOn(Channel c, boolean hadWork) {
    return c == Channel.ACTOR || (hadWork && (c == Channel.NODE || c == Channel.PLACEMENT_GROUP));
  }

  @Override
  protected Command.Builder decide() {
    record View(List<GcsNodeInfo> nodes, Map<ByteString, Map<String, Double>> used, List<ActorTableData> actors,
        List<PlacementGroupTableData> groups, Map<String, Map<String, Double>> bundleUsed) {}
    View v = stateMachine.read(store -> {
      try (ReadOptions ro = new ReadOptions().setSnapshot(store.snapshot())) {
        try {
          return new View(NodeReader.all(store, ro), NodeReader.allocations(store, ro), ActorReader.all(store, ro),
              PlacementGroupReader.all(store, ro), BundleUsage.all(store, ro));
        } finally {
          store.releaseSnapshot(ro.snapshot());
        }
      }
    });
    expireUnconfirmed(v.actors());
    workLeft(v.actors().stream().anyMatch(a -> (a.getState() == ActorTableData.ActorState.PENDING_CREATION
        || a.getState() == ActorTableData.ActorState.RESTARTING)));
    PlacementPolicy policy = new PlacementPolicy(v.nodes(), v.used(), spreadCursor);
    BundleActorPolicy bundles = new BundleActorPolicy(v.nodes(), v.groups(), v.bundleUsed());
    PlaceActors.Builder cmd = PlaceActors.newBuilder();
    List<ActorTableData> waiting = new ArrayList<>(v.actors().stream().filter(ActorScheduler::awaiting).toList());
    waiting.sort(Comparator.comparingLong(ActorTableData::getModRevision));
    for (ActorTableData a : waiting) {
      if (cmd.getPlacementsCount() >= cfg.maxBatch()) {
        moreToDo();
        break;
      }
      if (BundleUsage.inGroup(a)) {
        // Into a placement-group bundle: consumes the bundle's reservation, not the node's free capacity.
        BundleActorPolicy.Decision bd = bundles.decide(a);
        if (bd.unschedulable()) {
          cmd.addUnschedulable(a.getActorId());
        } else if (bd.node() != null) {
          cmd.addPlacements(ActorPlacement.newBuilder().setActorId(a.getActorId()).setNodeId(bd.node())
              .setBundleIndex(bd.bundleIndex()).setExpectedAttempt(a.getPlacementAttempt()));
        }
        continue;
      }
      PlacementPolicy.Decision d = policy.decide(a);
      if (d.unschedulable()) {
        cmd.addUnschedulable(a.getActorId());
      } else if (d.node().isPresent()) {
        cmd.addPlacements(ActorPlacement.newBuilder().setActorId(a.getActorId()).setNodeId(d.node().get())
            .setExpectedAttempt(a.getPlacementAttempt()));
      }
    }
    spreadCursor = policy.spreadCursor();
    if (cmd.getPlacementsCount() == 0 && cmd.getUnschedulableCount() == 0) {
      return null;
    }
    return Command.newBuilder().setPlaceActors(cmd);
  }

  private void expireUnconfirmed(List<ActorTableData> actors) {
    long now = clock.millis();
    for (ActorTableData a : actors) {
      boolean placed = (a.getState() == ActorTableData.ActorState.PENDING_CREATION
          || a.getState() == ActorTableData.ActorState.RESTARTING) && !a.getNodeId().isEmpty();
      if (placed && now - a.getPlacedAtMs() > cfg.placementTimeoutMs()) {
        writes.submit(null, Command.newBuilder().setUnplaceActor(UnplaceActor.newBuilder().setActorId(a.getActorId())
            .setAttempt(a.getPlacementAttempt())));
      }
    }
  }

  private static boolean awaiting(ActorTableData a) {
    return (a.getState() == ActorTableData.ActorState.PENDING_CREATION
        || a.getState() == ActorTableData.ActorState.RESTARTING) && a.getNodeId().isEmpty();
  }
}
