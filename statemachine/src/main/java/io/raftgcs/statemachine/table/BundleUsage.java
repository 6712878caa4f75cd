package io.raftgcs.statemachine.table;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorPlacement;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.Allocation;
import io.raftgcs.proto.Bundle;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementGroupTableData.PlacementGroupState;
import io.raftgcs.proto.SchedulingStrategy;
import io.raftgcs.statemachine.apply.Txn;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * What the actors scheduled into placement-group bundles take from each bundle's reservation. A bundle's
 * capacity is already allocated on its node (holder {@code pg:<id>:<index>}, see {@link Allocations}); an
 * actor placed in it consumes from the bundle, never again from the node. Key:
 * {@code len(pg_id) pg_id index(4 bytes BE) actor holder}, value an {@link Allocation} (node, holder,
 * resources); so one bundle's usage is a contiguous range. Apply checks room before committing, so a
 * bundle is never double-booked. Apply thread for writes; {@link #all} from any thread on a snapshot.
 */
public final class BundleUsage {
  private BundleUsage() {}

  public static boolean inGroup(ActorTableData a) {
    return a.getSchedulingStrategy().getKind() == SchedulingStrategy.Kind.PLACEMENT_GROUP;
  }

  static byte[] bundlePrefix(ByteString pgId, int index) {
    ByteBuffer b = ByteBuffer.allocate(1 + pgId.size() + 4);
    b.put((byte) pgId.size()).put(pgId.asReadOnlyByteBuffer()).putInt(index);
    return b.array();
  }

  static byte[] key(ByteString pgId, int index, String holder) {
    byte[] p = bundlePrefix(pgId, index);
    byte[] h = holder.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[p.length + h.length];
    System.arraycopy(p, 0, out, 0, p.length);
    System.arraycopy(h, 0, out, p.length, h.length);
    return out;
  }

  /** Bundle identity as the scheduler keys it: hex(pg id) + ":" + index. */
  public static String bundleKey(ByteString pgId, int index) {
    return NodeTable.hex(pgId) + ":" + index;
  }

  public static void allocate(Txn txn, ByteString pgId, int index, ByteString nodeId, String holder,
      Map<String, Double> resources) {
    txn.put(Cf.BUNDLE_USAGE, key(pgId, index, holder), Allocation.newBuilder().setNodeId(nodeId).setHolder(holder)
        .putAllResources(new TreeMap<>(resources)).build().toByteArray());
  }

  public static void release(Txn txn, ByteString pgId, int index, String holder) {
    txn.delete(Cf.BUNDLE_USAGE, key(pgId, index, holder));
  }

  /** Sum of what actors take from the bundle, per resource (sorted, deterministic). */
  public static Map<String, Double> used(Txn txn, ByteString pgId, int index) {
    Map<String, Double> used = new TreeMap<>();
    txn.scanPrefix(Cf.BUNDLE_USAGE, bundlePrefix(pgId, index), (k, v) ->
        Rows.parse(Allocation.parser(), v).getResourcesMap().forEach((r, q) -> used.merge(r, q, Double::sum)));
    return used;
  }

  /**
   * Whether the placement of a PLACEMENT_GROUP actor still holds: its group exists and is CREATED, the chosen
   * bundle is the one asked for (or any, for -1), it is placed on the placement's node, and it has room.
   */
  public static boolean admits(Txn txn, ActorTableData a, ActorPlacement p) {
    SchedulingStrategy s = a.getSchedulingStrategy();
    int i = p.getBundleIndex();
    if (s.getBundleIndex() >= 0 && s.getBundleIndex() != i) {
      return false;
    }
    Optional<PlacementGroupTableData> g = PlacementGroupTable.get(txn, s.getPlacementGroupId());
    if (g.isEmpty() || g.get().getState() != PlacementGroupState.CREATED || i < 0 || i >= g.get().getBundlesCount()) {
      return false;
    }
    Bundle b = g.get().getBundles(i);
    if (!b.getNodeId().equals(p.getNodeId())) {
      return false;
    }
    return fits(b.getUnitResourcesMap(), used(txn, s.getPlacementGroupId(), i), a.getRequiredResourcesMap());
  }

  /** Whether {@code need} fits in the bundle's {@code unit} minus {@code used}. */
  public static boolean fits(Map<String, Double> unit, Map<String, Double> used, Map<String, Double> need) {
    for (Map.Entry<String, Double> e : new TreeMap<>(need).entrySet()) {
      double avail = unit.getOrDefault(e.getKey(), 0.0) - used.getOrDefault(e.getKey(), 0.0);
      if (e.getValue() > avail + 1e-9) {
        return false;
      }
    }
    return true;
  }

  /** Committed bundle usage, by {@link #bundleKey}, summed per resource. */
  public static Map<String, Map<String, Double>> all(GcsStore store, ReadOptions ro) {
    Map<String, Map<String, Double>> out = new TreeMap<>();
    try (RocksIterator it = store.iterator(Cf.BUNDLE_USAGE, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] k = it.key();
        int len = k[0] & 0xff;
        ByteString pg = ByteString.copyFrom(k, 1, len);
        int index = ByteBuffer.wrap(k, 1 + len, 4).getInt();
        Map<String, Double> m = out.computeIfAbsent(bundleKey(pg, index), x -> new TreeMap<>());
        Rows.parse(Allocation.parser(), it.value()).getResourcesMap().forEach((r, q) -> m.merge(r, q, Double::sum));
      }
    }
    return out;
  }
}
