package io.raftgcs.server.leader;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Bundle;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.NodeState;
import io.raftgcs.proto.PlacementGroupTableData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Places the unplaced bundles of one placement group over a working copy of the resource view, all or
 * none, and deducts what it places so a round's later groups never double-book a node. Strategies (Ray's
 * §5.3): STRICT_PACK — every bundle on one node (the node of the bundles that stay placed, if any);
 * STRICT_SPREAD — every bundle on a distinct node, never a node that already holds a bundle of the group
 * (an exact bipartite matching, so a feasible spread is always found); PACK — one node if the remaining
 * bundles fit together (nodes already holding the group first), else first-fit decreasing preferring the
 * group's nodes; SPREAD — least-loaded node not yet used by the group, else any that fits. Drained and
 * dead nodes are never candidates. Deterministic for a given input (node order breaks ties).
 *
 * <p>Leader-only soft state (one scheduling round). Pure: no I/O, no clock. Not thread-safe.
 */
public final class BundlePolicy {
  private static final double EPS = 1e-9;

  private static final class NodeView {
    final ByteString id;
    final Map<String, Double> total;
    final Map<String, Double> available;

    NodeView(GcsNodeInfo info, Map<String, Double> used) {
      this.id = info.getNodeId();
      this.total = new TreeMap<>(info.getResourcesTotalMap());
      this.available = new TreeMap<>(total);
      used.forEach((k, v) -> available.merge(k, -v, Double::sum));
    }
  }

  private final List<NodeView> nodes = new ArrayList<>();

  /** {@code allNodes} in a fixed order (the reader's key order); only alive, non-draining nodes are used. */
  public BundlePolicy(List<GcsNodeInfo> allNodes, Map<ByteString, Map<String, Double>> used) {
    for (GcsNodeInfo n : allNodes) {
      if (n.getState() == NodeState.ALIVE && !n.hasDrain()) {
        nodes.add(new NodeView(n, used.getOrDefault(n.getNodeId(), Map.of())));
      }
    }
  }

  /**
   * Nodes for every unplaced bundle of {@code g} (index → node), deducted from the view; empty when no
   * assignment honouring the strategy fits now (the group waits; nothing is deducted).
   */
  public Optional<Map<Integer, ByteString>> decide(PlacementGroupTableData g) {
    List<Bundle> unplaced = new ArrayList<>();
    List<ByteString> placedNodes = new ArrayList<>();
    for (Bundle b : g.getBundlesList()) {
      if (b.getNodeId().isEmpty()) {
        unplaced.add(b);
      } else {
        placedNodes.add(b.getNodeId());
      }
    }
    if (unplaced.isEmpty()) {
      return Optional.empty();
    }
    // Work on copies so a failed attempt leaves the view untouched.
    Map<ByteString, Map<String, Double>> avail = new HashMap<>();
    for (NodeView v : nodes) {
      avail.put(v.id, new TreeMap<>(v.available));
    }
    Map<Integer, ByteString> out = switch (g.getStrategy()) {
      case STRICT_PACK -> strictPack(unplaced, placedNodes, avail);
      case STRICT_SPREAD -> strictSpread(unplaced, placedNodes, avail);
      case SPREAD -> spread(unplaced, placedNodes, avail);
      default -> pack(unplaced, placedNodes, avail);
    };
    if (out == null) {
      return Optional.empty();
    }
    for (NodeView v : nodes) {
      v.available.clear();
      v.available.putAll(avail.get(v.id));
    }
    return Optional.of(out);
  }

  private Map<Integer, ByteString> strictPack(List<Bundle> unplaced, List<ByteString> placedNodes,
      Map<ByteString, Map<String, Double>> avail) {
    Map<String, Double> need = sum(unplaced);
    Set<ByteString> distinct = new HashSet<>(placedNodes);
    if (distinct.size() > 1) {
      return null;
    }
    List<NodeView> candidates = distinct.isEmpty() ? byUtilisation(avail, false)
        : nodes.stream().filter(v -> distinct.contains(v.id)).toList();
    for (NodeView v : candidates) {
      if (fits(avail.get(v.id), need)) {
        return assignAll(unplaced, v.id, avail);
      }
    }
    return null;
  }

  private Map<Integer, ByteString> strictSpread(List<Bundle> unplaced, List<ByteString> placedNodes,
      Map<ByteString, Map<String, Double>> avail) {
    Set<ByteString> taken = new HashSet<>(placedNodes);
    List<NodeView> candidates = byUtilisation(avail, true).stream().filter(v -> !taken.contains(v.id)).toList();
    if (candidates.size() < unplaced.size()) {
      return null;
    }
    List<Bundle> order = largestFirst(unplaced);
    // Kuhn's augmenting paths: bundle i may use node j if the bundle fits there on its own; each node takes
    // at most one bundle of the group, so per-pair feasibility is exact.
    int[] nodeOwner = new int[candidates.size()];
    java.util.Arrays.fill(nodeOwner, -1);
    boolean[][] ok = new boolean[order.size()][candidates.size()];
    for (int i = 0; i < order.size(); i++) {
      for (int j = 0; j < candidates.size(); j++) {
        ok[i][j] = fits(avail.get(candidates.get(j).id), order.get(i).getUnitResourcesMap());
      }
    }
    for (int i = 0; i < order.size(); i++) {
      if (!augment(i, ok, nodeOwner, new boolean[candidates.size()])) {
        return null;
      }
    }
    Map<Integer, ByteString> out = new TreeMap<>();
    for (int j = 0; j < candidates.size(); j++) {
      if (nodeOwner[j] >= 0) {
        Bundle b = order.get(nodeOwner[j]);
        take(avail.get(candidates.get(j).id), b.getUnitResourcesMap());
        out.put(b.getBundleIndex(), candidates.get(j).id);
      }
    }
    return out;
  }

  private static boolean augment(int i, boolean[][] ok, int[] nodeOwner, boolean[] seen) {
    for (int j = 0; j < nodeOwner.length; j++) {
      if (ok[i][j] && !seen[j]) {
        seen[j] = true;
        if (nodeOwner[j] < 0 || augment(nodeOwner[j], ok, nodeOwner, seen)) {
          nodeOwner[j] = i;
          return true;
        }
      }
    }
    return false;
  }

  private Map<Integer, ByteString> pack(List<Bundle> unplaced, List<ByteString> placedNodes,
      Map<ByteString, Map<String, Double>> avail) {
    Map<ByteString, Integer> used = counts(placedNodes);
    // Preference: nodes holding most of the group's bundles, then the busiest (pack), in node order on ties.
    List<NodeView> pref = preferUsed(used, byUtilisation(avail, false));
    Map<String, Double> need = sum(unplaced);
    for (NodeView v : pref) {
      if (fits(avail.get(v.id), need)) {
        return assignAll(unplaced, v.id, avail);
      }
    }
    Map<Integer, ByteString> out = new TreeMap<>();
    for (Bundle b : largestFirst(unplaced)) {
      NodeView pick = null;
      for (NodeView v : preferUsed(used, byAvailableDesc(avail))) {
        if (fits(avail.get(v.id), b.getUnitResourcesMap())) {
          pick = v;
          break;
        }
      }
      if (pick == null) {
        return null;
      }
      take(avail.get(pick.id), b.getUnitResourcesMap());
      used.merge(pick.id, 1, Integer::sum);
      out.put(b.getBundleIndex(), pick.id);
    }
    return out;
  }

  private Map<Integer, ByteString> spread(List<Bundle> unplaced, List<ByteString> placedNodes,
      Map<ByteString, Map<String, Double>> avail) {
    Set<ByteString> usedByGroup = new HashSet<>(placedNodes);
    Map<Integer, ByteString> out = new TreeMap<>();
    for (Bundle b : largestFirst(unplaced)) {
      NodeView pick = null;
      for (NodeView v : byUtilisation(avail, true)) {
        if (!usedByGroup.contains(v.id) && fits(avail.get(v.id), b.getUnitResourcesMap())) {
          pick = v;
          break;
        }
      }
      if (pick == null) {
        for (NodeView v : byUtilisation(avail, true)) {
          if (fits(avail.get(v.id), b.getUnitResourcesMap())) {
            pick = v;
            break;
          }
        }
      }
      if (pick == null) {
        return null;
      }
      take(avail.get(pick.id), b.getUnitResourcesMap());
      usedByGroup.add(pick.id);
      out.put(b.getBundleIndex(), pick.id);
    }
    return out;
  }

  private static Map<Integer, ByteString> assignAll(List<Bundle> unplaced, ByteString node,
      Map<ByteString, Map<String, Double>> avail) {
    Map<Integer, ByteString> out = new TreeMap<>();
    for (Bundle b : unplaced) {
      take(avail.get(node), b.getUnitResourcesMap());
      out.put(b.getBundleIndex(), node);
    }
    return out;
  }

  private List<NodeView> preferUsed(Map<ByteString, Integer> used, List<NodeView> rest) {
    List<NodeView> out = new ArrayList<>(rest);
    out.sort(Comparator.comparingInt(v -> -used.getOrDefault(v.id, 0)));   // stable: keeps rest's order on ties
    return out;
  }

  /** Nodes by utilisation (ascending: least loaded first; descending: busiest first); stable on ties. */
  private List<NodeView> byUtilisation(Map<ByteString, Map<String, Double>> avail, boolean ascending) {
    List<NodeView> out = new ArrayList<>(nodes);
    Comparator<NodeView> c = Comparator.comparingDouble(v -> utilisation(v, avail.get(v.id)));
    out.sort(ascending ? c : c.reversed());
    return out;
  }

  /** Nodes with the most free capacity (summed over resources) first; stable on ties. */
  private List<NodeView> byAvailableDesc(Map<ByteString, Map<String, Double>> avail) {
    List<NodeView> out = new ArrayList<>(nodes);
    out.sort(Comparator.comparingDouble(v -> -avail.get(v.id).values().stream().mapToDouble(Double::doubleValue).sum()));
    return out;
  }

  private static double utilisation(NodeView v, Map<String, Double> available) {
    double u = 0;
    for (Map.Entry<String, Double> e : v.total.entrySet()) {
      if (e.getValue() > 0) {
        u = Math.max(u, 1.0 - available.getOrDefault(e.getKey(), 0.0) / e.getValue());
      }
    }
    return u;
  }

  private static List<Bundle> largestFirst(List<Bundle> bundles) {
    List<Bundle> out = new ArrayList<>(bundles);
    out.sort(Comparator.comparingDouble((Bundle b) -> -b.getUnitResourcesMap().values().stream()
        .mapToDouble(Double::doubleValue).sum()));
    return out;
  }

  private static Map<ByteString, Integer> counts(List<ByteString> nodes) {
    Map<ByteString, Integer> m = new LinkedHashMap<>();
    nodes.forEach(n -> m.merge(n, 1, Integer::sum));
    return m;
  }

  private static Map<String, Double> sum(List<Bundle> bundles) {
    Map<String, Double> need = new TreeMap<>();
    bundles.forEach(b -> b.getUnitResourcesMap().forEach((k, v) -> need.merge(k, v, Double::sum)));
    return need;
  }

  private static boolean fits(Map<String, Double> available, Map<String, Double> need) {
    for (Map.Entry<String, Double> e : need.entrySet()) {
      if (available.getOrDefault(e.getKey(), 0.0) + EPS < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static void take(Map<String, Double> available, Map<String, Double> need) {
    need.forEach((k, v) -> available.merge(k, -v, Double::sum));
  }
}
