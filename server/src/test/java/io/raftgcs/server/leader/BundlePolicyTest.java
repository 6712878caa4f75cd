package io.raftgcs.server.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Bundle;
import io.raftgcs.proto.DrainInfo;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.NodeState;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementStrategy;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bundle placement policy as a pure function: strategies, all-or-nothing, no double booking. */
class BundlePolicyTest {
  private static ByteString id(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static GcsNodeInfo node(String name, double cpu) {
    return GcsNodeInfo.newBuilder().setNodeId(id(name)).setState(NodeState.ALIVE).putResourcesTotal("CPU", cpu).build();
  }

  private static PlacementGroupTableData group(PlacementStrategy s, double... cpus) {
    PlacementGroupTableData.Builder g = PlacementGroupTableData.newBuilder().setPlacementGroupId(id("pg"))
        .setStrategy(s);
    for (int i = 0; i < cpus.length; i++) {
      g.addBundles(Bundle.newBuilder().setBundleIndex(i).putUnitResources("CPU", cpus[i]));
    }
    return g.build();
  }

  private static String on(Map<Integer, ByteString> m, int i) {
    return m.get(i).toStringUtf8();
  }

  @Test
  void packFillsOneNodeThenTheNext() {
    BundlePolicy p = new BundlePolicy(List.of(node("n1", 2), node("n2", 2)), Map.of());
    Map<Integer, ByteString> m = p.decide(group(PlacementStrategy.PACK, 1, 1, 1, 1)).orElseThrow();
    assertEquals(4, m.size());
    assertEquals(2, m.values().stream().filter(n -> n.equals(id("n1"))).count());
    assertEquals(2, m.values().stream().filter(n -> n.equals(id("n2"))).count());
    BundlePolicy big = new BundlePolicy(List.of(node("n1", 2), node("n2", 8)), Map.of());
    assertEquals(1, new HashSet<>(big.decide(group(PlacementStrategy.PACK, 1, 1, 1, 1)).orElseThrow().values()).size());
  }

  @Test
  void strictSpreadNeedsDistinctNodesIncludingBundlesThatStayPlaced() {
    List<GcsNodeInfo> two = List.of(node("n1", 4), node("n2", 4));
    assertTrue(new BundlePolicy(two, Map.of()).decide(group(PlacementStrategy.STRICT_SPREAD, 1, 1, 1)).isEmpty());
    List<GcsNodeInfo> three = List.of(node("n1", 4), node("n2", 4), node("n3", 4));
    Map<Integer, ByteString> m = new BundlePolicy(three, Map.of())
        .decide(group(PlacementStrategy.STRICT_SPREAD, 1, 1, 1)).orElseThrow();
    assertEquals(3, new HashSet<>(m.values()).size());

    // Rescheduling: bundle 0 stays on n1, so bundles 1 and 2 must avoid n1.
    PlacementGroupTableData g = group(PlacementStrategy.STRICT_SPREAD, 1, 1, 1);
    g = g.toBuilder().setBundles(0, g.getBundles(0).toBuilder().setNodeId(id("n1"))).build();
    Map<Integer, ByteString> r = new BundlePolicy(three, Map.of()).decide(g).orElseThrow();
    assertEquals(2, r.size());
    assertTrue(!r.containsValue(id("n1")) && !r.get(1).equals(r.get(2)));
  }

  @Test
  void strictSpreadFindsAMatchingWhereGreedyWouldFail() {
    // Bundle 0 fits anywhere, bundle 1 only on the GPU node; the GPU node is the least loaded.
    GcsNodeInfo gpu = GcsNodeInfo.newBuilder().setNodeId(id("gpu")).setState(NodeState.ALIVE)
        .putResourcesTotal("CPU", 1).putResourcesTotal("GPU", 1).build();
    PlacementGroupTableData g = PlacementGroupTableData.newBuilder().setStrategy(PlacementStrategy.STRICT_SPREAD)
        .addBundles(Bundle.newBuilder().setBundleIndex(0).putUnitResources("CPU", 1))
        .addBundles(Bundle.newBuilder().setBundleIndex(1).putUnitResources("GPU", 1)).build();
    Map<Integer, ByteString> m = new BundlePolicy(List.of(gpu, node("cpu", 1)), Map.of()).decide(g).orElseThrow();
    assertEquals("gpu", on(m, 1));
    assertEquals("cpu", on(m, 0));
  }

  @Test
  void strictPackUsesOneNodeOrWaits() {
    BundlePolicy p = new BundlePolicy(List.of(node("n1", 2), node("n2", 3)), Map.of());
    Map<Integer, ByteString> m = p.decide(group(PlacementStrategy.STRICT_PACK, 1, 1, 1)).orElseThrow();
    assertEquals(Optional.of(id("n2")), m.values().stream().distinct().reduce((a, b) -> a));
    assertEquals(1, new HashSet<>(m.values()).size());
    // n2 is now full; a second group of 3 does not fit on any single node: nothing placed, nothing deducted.
    assertTrue(p.decide(group(PlacementStrategy.STRICT_PACK, 1, 1, 1)).isEmpty());
    assertEquals("n1", on(p.decide(group(PlacementStrategy.STRICT_PACK, 1, 1)).orElseThrow(), 0));
  }

  @Test
  void decisionsOfOneRoundNeverDoubleBookAndSkipDrainedOrDeadNodes() {
    GcsNodeInfo drained = node("d", 100).toBuilder().setDrain(DrainInfo.getDefaultInstance()).build();
    GcsNodeInfo dead = node("x", 100).toBuilder().setState(NodeState.DEAD).build();
    BundlePolicy p = new BundlePolicy(List.of(drained, dead, node("n1", 2)), Map.of(id("n1"), Map.of("CPU", 1.0)));
    assertTrue(p.decide(group(PlacementStrategy.SPREAD, 1)).isPresent());
    assertTrue(p.decide(group(PlacementStrategy.SPREAD, 1)).isEmpty(), "n1 had one CPU left and it is taken");
    assertTrue(p.decide(group(PlacementStrategy.PACK, 0.5, 0.5)).isEmpty(), "all or nothing");
  }

  @Test
  void spreadPrefersDistinctNodesButFallsBack() {
    BundlePolicy p = new BundlePolicy(List.of(node("n1", 4), node("n2", 4)), Map.of());
    Map<Integer, ByteString> m = p.decide(group(PlacementStrategy.SPREAD, 1, 1, 1)).orElseThrow();
    assertEquals(2, new HashSet<>(m.values()).size());
    assertEquals(3, m.size());
  }
}
