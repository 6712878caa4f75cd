package io.raftgcs.statemachine.table;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Allocation;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.statemachine.apply.Txn;
import io.raftgcs.statemachine.store.Cf;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Capacity committed on nodes. Key: {@code len(node_id) node_id holder}, so one node's allocations are a
 * contiguous range. Available = total − allocations; apply checks it before committing a placement, so
 * the same capacity is never handed out twice. Apply thread only.
 */
public final class Allocations {
  private Allocations() {}

  static byte[] nodePrefix(ByteString nodeId) {
    byte[] out = new byte[1 + nodeId.size()];
    out[0] = (byte) nodeId.size();
    nodeId.copyTo(out, 1);
    return out;
  }

  static byte[] key(ByteString nodeId, String holder) {
    byte[] p = nodePrefix(nodeId);
    byte[] h = holder.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[p.length + h.length];
    System.arraycopy(p, 0, out, 0, p.length);
    System.arraycopy(h, 0, out, p.length, h.length);
    return out;
  }

  public static void allocate(Txn txn, ByteString nodeId, String holder, Map<String, Double> resources) {
    txn.put(Cf.ALLOCATIONS, key(nodeId, holder), Allocation.newBuilder().setNodeId(nodeId).setHolder(holder)
        .putAllResources(new TreeMap<>(resources)).build().toByteArray());
  }

  public static void release(Txn txn, ByteString nodeId, String holder) {
    if (!nodeId.isEmpty()) {
      txn.delete(Cf.ALLOCATIONS, key(nodeId, holder));
    }
  }

  /** Sum of what is allocated on the node, per resource (sorted, deterministic). */
  public static Map<String, Double> used(Txn txn, ByteString nodeId) {
    Map<String, Double> used = new TreeMap<>();
    txn.scanPrefix(Cf.ALLOCATIONS, nodePrefix(nodeId), (k, v) ->
        Rows.parse(Allocation.parser(), v).getResourcesMap().forEach((r, q) -> used.merge(r, q, Double::sum)));
    return used;
  }

  /** Whether {@code need} fits in the node's total minus what is already allocated. */
  public static boolean fits(Txn txn, GcsNodeInfo node, Map<String, Double> need) {
    Map<String, Double> used = used(txn, node.getNodeId());
    for (Map.Entry<String, Double> e : new TreeMap<>(need).entrySet()) {
      double avail = node.getResourcesTotalOrDefault(e.getKey(), 0.0) - used.getOrDefault(e.getKey(), 0.0);
      if (e.getValue() > avail + 1e-9) {
        return false;
      }
    }
    return true;
  }
}
