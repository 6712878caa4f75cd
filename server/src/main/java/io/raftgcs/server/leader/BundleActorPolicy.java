package io.raftgcs.server.leader;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.Bundle;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.NodeState;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementGroupTableData.PlacementGroupState;
import io.raftgcs.proto.SchedulingStrategy;
import io.raftgcs.statemachine.table.BundleUsage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Picks a bundle for an actor whose strategy is PLACEMENT_GROUP: a bundle of that group (the one asked for,
 * or the first with room for -1) that is placed on an alive, undrained node while the group is CREATED and
 * has room left in its reservation. It works on a copy of the bundles' usage and deducts what it picks, so
 * one round never double-books a bundle; apply re-checks everything ({@code BundleUsage.admits}).
 * The group removed or unknown, a bundle index out of range, or a need no bundle could hold even empty:
 * unschedulable. The group pending or rescheduling, or its bundles full: wait.
 *
 * <p>Leader-only soft state (one scheduling round). Not thread-safe.
 */
final class BundleActorPolicy {
  /** A bundle (node + index), "wait", or "never". */
  record Decision(ByteString node, int bundleIndex, boolean unschedulable) {
    static final Decision WAIT = new Decision(null, -1, false);
    static final Decision NEVER = new Decision(null, -1, true);
  }

  private final Map<ByteString, PlacementGroupTableData> groups = new HashMap<>();
  private final Map<String, Map<String, Double>> used = new HashMap<>();
  private final Set<ByteString> usableNodes = new HashSet<>();

  BundleActorPolicy(List<GcsNodeInfo> nodes, List<PlacementGroupTableData> allGroups,
      Map<String, Map<String, Double>> bundleUsed) {
    for (GcsNodeInfo n : nodes) {
      if (n.getState() == NodeState.ALIVE && !n.hasDrain()) {
        usableNodes.add(n.getNodeId());
      }
    }
    for (PlacementGroupTableData g : allGroups) {
      groups.put(g.getPlacementGroupId(), g);
    }
    bundleUsed.forEach((k, v) -> used.put(k, new TreeMap<>(v)));
  }

  Decision decide(ActorTableData actor) {
    SchedulingStrategy s = actor.getSchedulingStrategy();
    PlacementGroupTableData g = groups.get(s.getPlacementGroupId());
    if (g == null || g.getState() == PlacementGroupState.REMOVED || s.getBundleIndex() >= g.getBundlesCount()) {
      return Decision.NEVER;
    }
    Map<String, Double> need = actor.getRequiredResourcesMap();
    boolean couldEverFit = false;
    for (Bundle b : g.getBundlesList()) {
      if (s.getBundleIndex() < 0 || s.getBundleIndex() == b.getBundleIndex()) {
        couldEverFit |= BundleUsage.fits(b.getUnitResourcesMap(), Map.of(), need);
      }
    }
    if (!couldEverFit) {
      return Decision.NEVER;
    }
    if (g.getState() != PlacementGroupState.CREATED) {
      return Decision.WAIT;
    }
    for (Bundle b : g.getBundlesList()) {
      if (s.getBundleIndex() >= 0 && s.getBundleIndex() != b.getBundleIndex()) {
        continue;
      }
      if (b.getNodeId().isEmpty() || !usableNodes.contains(b.getNodeId())) {
        continue;
      }
      String key = BundleUsage.bundleKey(g.getPlacementGroupId(), b.getBundleIndex());
      Map<String, Double> u = used.computeIfAbsent(key, k -> new TreeMap<>());
      if (BundleUsage.fits(b.getUnitResourcesMap(), u, need)) {
        need.forEach((r, q) -> u.merge(r, q, Double::sum));
        return new Decision(b.getNodeId(), b.getBundleIndex(), false);
      }
    }
    return Decision.WAIT;
  }
}
