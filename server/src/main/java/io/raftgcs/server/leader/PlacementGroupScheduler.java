package io.raftgcs.server.leader;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.BundlePlacement;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.PlacePlacementGroups;
import io.raftgcs.proto.PlacementGroupPlacement;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementGroupTableData.PlacementGroupState;
import io.raftgcs.server.api.WritePath;
import io.raftgcs.server.config.SchedulerConfig;
import io.raftgcs.statemachine.GcsStateMachine;
import io.raftgcs.statemachine.table.NodeReader;
import io.raftgcs.statemachine.table.PgLifecycle;
import io.raftgcs.statemachine.table.PlacementGroupReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.ReadOptions;

/**
 * The leader's placement-group scheduler. A round reads the applied tables, decides every PENDING or
 * RESCHEDULING group with {@link BundlePolicy} (RESCHEDULING first, then oldest first) and proposes the
 * decisions as ONE {@link PlacePlacementGroups} command; apply re-checks every group as a whole and commits
 * all of its bundles or none, so a decision made on a stale view (or by a deposed leader) changes nothing.
 * Infeasible groups simply stay pending: any change on the node, actor (capacity freed) or placement-group
 * channel triggers the next round, and a slow periodic round catches the rest. One round in flight at a time.
 *
 * <p>Threads: rounds on its own single thread; wake-ups from the apply thread. Soft state, rebuilt on start.
 */
public final class PlacementGroupScheduler extends SchedulingLoop {
  private final GcsStateMachine stateMachine;
  private final SchedulerConfig cfg;

  public PlacementGroupScheduler(GcsStateMachine stateMachine, WritePath writes, SchedulerConfig cfg) {
    super("pg-scheduler", cfg.periodMs(), writes);
    this.stateMachine = stateMachine;
    this.cfg = cfg;
  }

  /** Group changes can always create work; node and actor changes matter only to waiting groups. */
  @Override
  protected boolean wakesOn(Channel c, boolean hadWork) {
    return c == Channel.PLACEMENT_GROUP || (hadWork && (c == Channel.NODE || c == Channel.ACTOR));
  }

  @Override
  protected Command.Builder decide() {
    record View(List<GcsNodeInfo> nodes, Map<ByteString, Map<String, Double>> used, List<PlacementGroupTableData> groups) {}
    View v = stateMachine.read(store -> {
      try (ReadOptions ro = new ReadOptions().setSnapshot(store.snapshot())) {
        try {
          return new View(NodeReader.all(store, ro), NodeReader.allocations(store, ro),
              PlacementGroupReader.all(store, ro));
        } finally {
          store.releaseSnapshot(ro.snapshot());
        }
      }
    });
    List<PlacementGroupTableData> waiting = new ArrayList<>(v.groups().stream().filter(PgLifecycle::awaitingPlacement)
        .toList());
    workLeft(!waiting.isEmpty());
    // Rescheduling groups first (Ray's rank 0), then the oldest.
    waiting.sort(Comparator.comparingInt((PlacementGroupTableData g) ->
        g.getState() == PlacementGroupState.RESCHEDULING ? 0 : 1).thenComparingLong(PlacementGroupTableData::getCreateRevision));
    BundlePolicy policy = new BundlePolicy(v.nodes(), v.used());
    PlacePlacementGroups.Builder cmd = PlacePlacementGroups.newBuilder();
    for (PlacementGroupTableData g : waiting) {
      if (cmd.getPlacementsCount() >= cfg.maxBatch()) {
        moreToDo();
        break;
      }
      Optional<Map<Integer, ByteString>> d = policy.decide(g);
      if (d.isPresent()) {
        PlacementGroupPlacement.Builder p = PlacementGroupPlacement.newBuilder()
            .setPlacementGroupId(g.getPlacementGroupId());
        d.get().forEach((i, node) -> p.addBundles(BundlePlacement.newBuilder().setBundleIndex(i).setNodeId(node)));
        cmd.addPlacements(p);
      }
    }
    return cmd.getPlacementsCount() == 0 ? null : Command.newBuilder().setPlacePlacementGroups(cmd);
  }
}
