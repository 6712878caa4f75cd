package io.raftgcs.server.leader;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.NodeState;
import io.raftgcs.proto.SchedulingStrategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Picks a node for one actor over a working copy of the resource view, and deducts what it picks so a
 * batch of decisions never double-books a node. Strategies follow Ray: DEFAULT packs nodes while their
 * utilisation is below 0.5, then prefers the least loaded; SPREAD takes the least loaded, rotating on
 * ties; NODE_AFFINITY (hard: only that node; soft: that node if it fits, else DEFAULT); hard label
 * selectors filter every strategy. Drained and dead nodes are never candidates.
 *
 * <p>Leader-only soft state (one scheduling round); no replicated state. Not thread-safe.
 */
public final class PlacementPolicy {
  public static final double SPREAD_THRESHOLD = 0.5;

  /** A node as the scheduler sees it during one round. */
  static final class NodeView {
    final GcsNodeInfo info;
    final Map<String, Double> available;

    NodeView(GcsNodeInfo info, Map<String, Double> used) {
      this.info = info;
      this.available = new TreeMap<>(info.getResourcesTotalMap());
      used.forEach((k, v) -> available.merge(k, -v, Double::sum));
    }

    boolean fits(Map<String, Double> need) {
      for (Map.Entry<String, Double> e : need.entrySet()) {
        if (available.getOrDefault(e.getKey(), 0.0) + 1e-9 < e.getValue()) {
          return false;
        }
      }
      return true;
    }

    /** Highest fraction used over the node's resources (Ray's critical-resource utilisation). */
    double utilisation() {
      double u = 0;
      for (Map.Entry<String, Double> e : info.getResourcesTotalMap().entrySet()) {
        if (e.getValue() > 0) {
          u = Math.max(u, 1.0 - available.getOrDefault(e.getKey(), 0.0) / e.getValue());
        }
      }
      return u;
    }

    void take(Map<String, Double> need) {
      need.forEach((k, v) -> available.merge(k, -v, Double::sum));
    }
  }

  /** Outcome for one actor: a node, "wait" (nothing fits now), or "never" (hard affinity to a dead node). */
  public record Decision(Optional<ByteString> node, boolean unschedulable) {
    static Decision place(ByteString n) {
      return new Decision(Optional.of(n), false);
    }

    static Decision waitForCapacity() {
      return new Decision(Optional.empty(), false);
    }

    static Decision never() {
      return new Decision(Optional.empty(), true);
    }
  }

  private final List<NodeView> nodes = new ArrayList<>();
  private final Map<ByteString, NodeView> byId = new HashMap<>();
  private final Map<ByteString, GcsNodeInfo> known = new HashMap<>();
  private int spreadCursor;

  public PlacementPolicy(List<GcsNodeInfo> allNodes, Map<ByteString, Map<String, Double>> used, int spreadCursor) {
    for (GcsNodeInfo n : allNodes) {
      known.put(n.getNodeId(), n);
      if (n.getState() == NodeState.ALIVE && !n.hasDrain()) {
        NodeView v = new NodeView(n, used.getOrDefault(n.getNodeId(), Map.of()));
        nodes.add(v);
        byId.put(n.getNodeId(), v);
      }
    }
    this.spreadCursor = spreadCursor;
  }

  public int spreadCursor() {
    return spreadCursor;
  }

  public Decision decide(ActorTableData actor) {
    SchedulingStrategy s = actor.getSchedulingStrategy();
    Map<String, Double> need = actor.getRequiredResourcesMap();
    if (s.getKind() == SchedulingStrategy.Kind.NODE_AFFINITY) {
      ByteString target = s.getNodeAffinity().getNodeId();
      NodeView v = byId.get(target);
      if (v != null && labelsMatch(v, s) && v.fits(need)) {
        return take(v, need);
      }
      if (!s.getNodeAffinity().getSoft()) {
        GcsNodeInfo n = known.get(target);
        boolean gone = n == null || n.getState() == NodeState.DEAD;
        return gone ? Decision.never() : Decision.waitForCapacity();
      }
    }
    List<NodeView> feasible = new ArrayList<>();
    for (NodeView v : nodes) {
      if (labelsMatch(v, s) && v.fits(need)) {
        feasible.add(v);
      }
    }
    if (feasible.isEmpty()) {
      return Decision.waitForCapacity();
    }
    NodeView pick = s.getKind() == SchedulingStrategy.Kind.SPREAD ? spread(feasible) : hybrid(feasible);
    return take(pick, need);
  }

  private Decision take(NodeView v, Map<String, Double> need) {
    v.take(need);
    return Decision.place(v.info.getNodeId());
  }

  /** Pack the busiest node still under the threshold; if none, the least utilised one. */
  private static NodeView hybrid(List<NodeView> feasible) {
    NodeView best = null;
    for (NodeView v : feasible) {
      if (v.utilisation() < SPREAD_THRESHOLD && (best == null || v.utilisation() > best.utilisation())) {
        best = v;
      }
    }
    if (best != null) {
      return best;
    }
    return leastLoaded(feasible, 0);
  }

  private NodeView spread(List<NodeView> feasible) {
    NodeView v = leastLoaded(feasible, spreadCursor++);
    return v;
  }

  private static NodeView leastLoaded(List<NodeView> feasible, int rotate) {
    NodeView best = null;
    int n = feasible.size();
    for (int i = 0; i < n; i++) {
      NodeView v = feasible.get(Math.floorMod(i + rotate, n));
      if (best == null || v.utilisation() < best.utilisation() - 1e-12) {
        best = v;
      }
    }
    return best;
  }

  private static boolean labelsMatch(NodeView v, SchedulingStrategy s) {
    for (Map.Entry<String, String> e : s.getLabelSelectorMap().entrySet()) {
      if (!e.getValue().equals(v.info.getLabelsMap().get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
