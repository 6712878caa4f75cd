package io.raftgcs.statemachine.table;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Allocation;
import io.raftgcs.proto.CheckAliveReply;
import io.raftgcs.proto.CheckAliveRequest;
import io.raftgcs.proto.DrainingNode;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.GetAllAvailableResourcesReply;
import io.raftgcs.proto.GetAllNodeInfoReply;
import io.raftgcs.proto.GetAllNodeInfoRequest;
import io.raftgcs.proto.GetAllTotalResourcesReply;
import io.raftgcs.proto.GetClusterIdReply;
import io.raftgcs.proto.GetDrainingNodesReply;
import io.raftgcs.proto.GetNodeReply;
import io.raftgcs.proto.GetNodeRequest;
import io.raftgcs.proto.NodeResources;
import io.raftgcs.proto.NodeSelector;
import io.raftgcs.proto.NodeState;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * Read side of the node table and the resource view, against one consistent store snapshot ({@code ro}).
 * Any thread; stateless.
 */
public final class NodeReader {
  private NodeReader() {}

  public static List<GcsNodeInfo> all(GcsStore store, ReadOptions ro) {
    List<GcsNodeInfo> out = new ArrayList<>();
    try (RocksIterator it = store.iterator(Cf.NODES, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(Rows.parse(GcsNodeInfo.parser(), it.value()));
      }
    }
    return out;
  }

  public static GetAllNodeInfoReply getAll(GcsStore store, ReadOptions ro, GetAllNodeInfoRequest req) {
    List<GcsNodeInfo> nodes = all(store, ro);
    GetAllNodeInfoReply.Builder b = GetAllNodeInfoReply.newBuilder().setTotal(nodes.size());
    long filtered = 0;
    for (GcsNodeInfo n : nodes) {
      if (!matches(n, req)) {
        filtered++;
      } else if (req.getLimit() <= 0 || b.getNodeInfoListCount() < req.getLimit()) {
        b.addNodeInfoList(n);
      }
    }
    return b.setNumFiltered(filtered).build();
  }

  static boolean matches(GcsNodeInfo n, GetAllNodeInfoRequest req) {
    if (req.getStateFilter() != NodeState.NODE_STATE_UNSPECIFIED && n.getState() != req.getStateFilter()) {
      return false;
    }
    if (req.getNodeSelectorsCount() == 0) {
      return true;
    }
    for (NodeSelector s : req.getNodeSelectorsList()) {
      if ((s.getNodeId().isEmpty() || s.getNodeId().equals(n.getNodeId()))
          && (s.getNodeName().isEmpty() || s.getNodeName().equals(n.getNodeName()))
          && (s.getNodeIpAddress().isEmpty() || s.getNodeIpAddress().equals(n.getNodeManagerAddress()))
          && (!s.getHasIsHeadNode() || s.getIsHeadNode() == n.getIsHeadNode())) {
        return true;
      }
    }
    return false;
  }

  public static GetNodeReply get(GcsStore store, ReadOptions ro, GetNodeRequest req) {
    byte[] v = store.get(ro, Cf.NODES, req.getNodeId().toByteArray());
    GetNodeReply.Builder b = GetNodeReply.newBuilder();
    if (v != null) {
      b.setNodeInfo(Rows.parse(GcsNodeInfo.parser(), v));
    }
    return b.build();
  }

  public static CheckAliveReply checkAlive(GcsStore store, ReadOptions ro, CheckAliveRequest req) {
    CheckAliveReply.Builder b = CheckAliveReply.newBuilder();
    for (ByteString id : req.getNodeIdsList()) {
      byte[] v = store.get(ro, Cf.NODES, id.toByteArray());
      b.addRayletAlive(v != null && Rows.parse(GcsNodeInfo.parser(), v).getState() == NodeState.ALIVE);
    }
    return b.build();
  }

  public static GetClusterIdReply clusterId(GcsStore store, ReadOptions ro) {
    byte[] id = ClusterTable.clusterId(store, ro);
    return GetClusterIdReply.newBuilder().setClusterId(id == null ? ByteString.EMPTY : ByteString.copyFrom(id)).build();
  }

  /** Committed allocations per node, summed per resource. */
  public static Map<ByteString, Map<String, Double>> allocations(GcsStore store, ReadOptions ro) {
    Map<ByteString, Map<String, Double>> out = new TreeMap<>(ByteString.unsignedLexicographicalComparator());
    try (RocksIterator it = store.iterator(Cf.ALLOCATIONS, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        Allocation a = Rows.parse(Allocation.parser(), it.value());
        Map<String, Double> m = out.computeIfAbsent(a.getNodeId(), k -> new TreeMap<>());
        a.getResourcesMap().forEach((k, v) -> m.merge(k, v, Double::sum));
      }
    }
    return out;
  }

  /** Per alive node: total, and available = total minus committed allocations. */
  public static List<NodeResources> resources(GcsStore store, ReadOptions ro) {
    Map<ByteString, Map<String, Double>> used = allocations(store, ro);
    List<NodeResources> out = new ArrayList<>();
    for (GcsNodeInfo n : all(store, ro)) {
      if (n.getState() != NodeState.ALIVE) {
        continue;
      }
      Map<String, Double> avail = new TreeMap<>(n.getResourcesTotalMap());
      used.getOrDefault(n.getNodeId(), Map.of()).forEach((k, v) -> avail.merge(k, -v, Double::sum));
      out.add(NodeResources.newBuilder().setNodeId(n.getNodeId())
          .putAllResourcesTotal(new TreeMap<>(n.getResourcesTotalMap())).putAllResourcesAvailable(avail)
          .setIsDraining(n.hasDrain()).setLastHeartbeatAgeMs(-1).build());
    }
    return out;
  }

  public static GetAllTotalResourcesReply totals(GcsStore store, ReadOptions ro) {
    GetAllTotalResourcesReply.Builder b = GetAllTotalResourcesReply.newBuilder();
    for (NodeResources r : resources(store, ro)) {
      b.addResourcesList(NodeResources.newBuilder().setNodeId(r.getNodeId()).putAllResourcesTotal(r.getResourcesTotalMap()));
    }
    return b.build();
  }

  public static GetAllAvailableResourcesReply available(GcsStore store, ReadOptions ro) {
    GetAllAvailableResourcesReply.Builder b = GetAllAvailableResourcesReply.newBuilder();
    for (NodeResources r : resources(store, ro)) {
      b.addResourcesList(NodeResources.newBuilder().setNodeId(r.getNodeId())
          .putAllResourcesAvailable(r.getResourcesAvailableMap()).setIsDraining(r.getIsDraining()));
    }
    return b.build();
  }

  public static GetDrainingNodesReply draining(GcsStore store, ReadOptions ro) {
    GetDrainingNodesReply.Builder b = GetDrainingNodesReply.newBuilder();
    for (GcsNodeInfo n : all(store, ro)) {
      if (n.getState() == NodeState.ALIVE && n.hasDrain()) {
        b.addDrainingNodes(DrainingNode.newBuilder().setNodeId(n.getNodeId())
            .setDrainingDeadlineTimestampMs(n.getDrain().getDeadlineMs()));
      }
    }
    return b.build();
  }
}
