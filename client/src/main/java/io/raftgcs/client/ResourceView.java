package io.raftgcs.client;

import io.raftgcs.proto.NodeResources;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-node resources of the alive nodes, as one read returned them.
 *
 * @param nodes one entry per alive node
 * @param revision the revision the answer reflects
 */
public record ResourceView(List<NodeResources> nodes, long revision) {
  /** Sum over nodes of {@code resources_total}, by resource name. */
  public Map<String, Double> sumTotal() {
    Map<String, Double> out = new TreeMap<>();
    nodes.forEach(n -> n.getResourcesTotalMap().forEach((k, v) -> out.merge(k, v, Double::sum)));
    return out;
  }

  /** Sum over nodes of {@code resources_available}, by resource name. */
  public Map<String, Double> sumAvailable() {
    Map<String, Double> out = new TreeMap<>();
    nodes.forEach(n -> n.getResourcesAvailableMap()
        .forEach((k, v) -> out.merge(k, v, Double::sum)));
    return out;
  }
}
