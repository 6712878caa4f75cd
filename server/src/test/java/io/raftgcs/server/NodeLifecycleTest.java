package io.raftgcs.server;

import static io.raftgcs.server.testing.TestIds.nodeId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftgcs.proto.CheckAliveRequest;
import io.raftgcs.proto.DrainNodeRequest;
import io.raftgcs.proto.DrainReason;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.GetAllNodeInfoRequest;
import io.raftgcs.proto.GetAllResourceUsageRequest;
import io.raftgcs.proto.GetClusterIdRequest;
import io.raftgcs.proto.GetDrainingNodesRequest;
import io.raftgcs.proto.GetNodeRequest;
import io.raftgcs.proto.HeartbeatRequest;
import io.raftgcs.proto.NodeDeathInfo;
import io.raftgcs.proto.NodeInfoGcsServiceGrpc;
import io.raftgcs.proto.NodeResourceInfoGcsServiceGrpc;
import io.raftgcs.proto.NodeSelector;
import io.raftgcs.proto.NodeState;
import io.raftgcs.proto.RegisterNodeRequest;
import io.raftgcs.proto.RequestId;
import io.raftgcs.proto.UnregisterNodeRequest;
import io.raftgcs.server.config.NodeMonitorConfig;
import io.raftgcs.server.testing.ManualClock;
import io.raftgcs.server.testing.MiniGcsCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node table rules and the leader's failure detector, driven by a hand-moved clock on a real cluster:
 * silence kills, heartbeats keep alive, and a failover never kills a healthy node.
 */
class NodeLifecycleTest {
  private static final long TIMEOUT_MS = 10_000;
  @TempDir Path dir;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final ManualClock clock = new ManualClock(1_700_000_000_000L);
  private long seq;

  @AfterEach
  void closeChannels() {
    channels.forEach(ManagedChannel::shutdownNow);
  }

  private MiniGcsCluster start(int maxDead) throws Exception {
    // The real-time check period is long so that only the test's explicit ticks decide anything.
    return MiniGcsCluster.start(3, dir, c -> c.withNodes(new NodeMonitorConfig(1000, TIMEOUT_MS, 3_600_000, maxDead)), clock);
  }

  private NodeInfoGcsServiceGrpc.NodeInfoGcsServiceBlockingStub nodes(MiniGcsCluster c, int i) {
    ManagedChannel ch = NettyChannelBuilder.forTarget(c.endpoint(i)).usePlaintext().build();
    channels.add(ch);
    return NodeInfoGcsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private RequestId rid() {
    return RequestId.newBuilder().setClientId(ByteString.copyFrom(new byte[16])).setSeq(++seq).build();
  }

  private static ByteString id(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private void register(MiniGcsCluster c, String node, boolean head) {
    nodes(c, c.leader()).registerNode(RegisterNodeRequest.newBuilder().setRequestId(rid()).setNodeInfo(
        GcsNodeInfo.newBuilder().setNodeId(nodeId(node)).setNodeManagerAddress("10.0.0." + node.length())
            .setNodeName(node).setIsHeadNode(head).putResourcesTotal("CPU", 4)).build());
  }

  private void beat(MiniGcsCluster c, String node) {
    nodes(c, c.leader()).heartbeat(HeartbeatRequest.newBuilder().setNodeId(nodeId(node)).putResourcesAvailable("CPU", 3).build());
  }

  private NodeState state(MiniGcsCluster c, String node) {
    return nodes(c, c.leader()).getNode(GetNodeRequest.newBuilder().setNodeId(nodeId(node)).build()).getNodeInfo().getState();
  }

  /** Ticks the current leader's monitor and waits until what it proposed is applied. */
  private void tick(MiniGcsCluster c) throws Exception {
    GcsServer leader = c.server(c.leader());
    leader.heartbeatMonitor().tick();
    Thread.sleep(300);
  }

  @Test
  void heartbeatOfANodeThatJustDiedIsRefused() throws Exception {
    try (MiniGcsCluster c = start(1000)) {
      awaitMonitor(c);
      register(c, "hb", false);
      tick(c); // "hb" is now in the monitor's in-memory alive set
      beat(c, "hb");
      nodes(c, c.leader()).unregisterNode(UnregisterNodeRequest.newBuilder().setRequestId(rid())
          .setNodeId(nodeId("hb")).build());
      // No tick in between: the applied death alone must take it out of the fast path.
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> beat(c, "hb"));
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }
  }

  @Test
  void silentNodeDiesAndHeartbeatingNodeLives() throws Exception {
    try (MiniGcsCluster c = start(1000)) {
      awaitMonitor(c);
      register(c, "a", false);
      register(c, "b", false);
      tick(c);
      clock.advance(6000);
      beat(c, "a");
      clock.advance(6000);
      tick(c);
      assertEquals(NodeState.ALIVE, state(c, "a"));
      assertEquals(NodeState.DEAD, state(c, "b"));
      GcsNodeInfo b = nodes(c, c.leader()).getNode(GetNodeRequest.newBuilder().setNodeId(nodeId("b")).build()).getNodeInfo();
      assertEquals(NodeDeathInfo.Reason.UNEXPECTED_TERMINATION, b.getDeathInfo().getReason());
      assertEquals(clock.millis(), b.getEndTimeMs());

      // A dead node's heartbeat is refused so its agent re-registers under a new id.
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> beat(c, "b"));
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
      e = assertThrows(StatusRuntimeException.class, () -> register(c, "b", false));
      assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());

      var alive = nodes(c, (c.leader() + 1) % 3).checkAlive(CheckAliveRequest.newBuilder()
          .addNodeIds(nodeId("a")).addNodeIds(nodeId("b")).addNodeIds(nodeId("zz")).build());
      assertEquals(List.of(true, false, false), alive.getRayletAliveList());
      c.awaitConverged(Duration.ofSeconds(10));
    }
  }

  @Test
  void failoverGivesEveryNodeAFullTimeout() throws Exception {
    try (MiniGcsCluster c = start(1000)) {
      awaitMonitor(c);
      register(c, "a", false);
      register(c, "b", false);
      beat(c, "a");
      beat(c, "b");
      clock.advance(9000);            // both 9 s silent under the old leader
      int old = c.leader();
      c.transferLeadership((old + 1) % 3);
      awaitMonitor(c);
      assertTrue(c.leader() != old);
      clock.advance(9000);            // 18 s since their last beat, 9 s since the new leader started
      tick(c);
      assertEquals(NodeState.ALIVE, state(c, "a"), "no node dies for the failover itself");
      assertEquals(NodeState.ALIVE, state(c, "b"));
      beat(c, "a");                   // a finds the new leader, b does not
      clock.advance(2000);
      tick(c);
      assertEquals(NodeState.ALIVE, state(c, "a"));
      assertEquals(NodeState.DEAD, state(c, "b"));
    }
  }

  @Test
  void headReplacementDrainUnregisterAndDeadRetention() throws Exception {
    try (MiniGcsCluster c = start(2)) {
      awaitMonitor(c);
      register(c, "head1", true);
      register(c, "w1", false);
      register(c, "head2", true);
      assertEquals(NodeState.DEAD, state(c, "head1"), "a second head kills the first");
      assertEquals(NodeState.ALIVE, state(c, "head2"));

      var leaderNodes = nodes(c, c.leader());
      leaderNodes.drainNode(DrainNodeRequest.newBuilder().setRequestId(rid()).setNodeId(nodeId("w1"))
          .setReason(DrainReason.DRAIN_PREEMPTION).setDeadlineMs(123).build());
      ManagedChannel ch = NettyChannelBuilder.forTarget(c.endpoint(c.leader())).usePlaintext().build();
      channels.add(ch);
      var res = NodeResourceInfoGcsServiceGrpc.newBlockingStub(ch);
      assertEquals(123, res.getDrainingNodes(GetDrainingNodesRequest.getDefaultInstance()).getDrainingNodes(0)
          .getDrainingDeadlineTimestampMs());
      var usage = res.getAllResourceUsage(GetAllResourceUsageRequest.getDefaultInstance());
      assertEquals(8.0, usage.getClusterTotalOrThrow("CPU"), 1e-9);

      // A drained node that stops is recorded as drained-and-preempted; unregister is idempotent.
      for (int i = 0; i < 2; i++) {
        leaderNodes.unregisterNode(UnregisterNodeRequest.newBuilder().setRequestId(rid()).setNodeId(nodeId("w1"))
            .setNodeDeathInfo(NodeDeathInfo.newBuilder().setReason(NodeDeathInfo.Reason.UNEXPECTED_TERMINATION)).build());
      }
      var w1 = leaderNodes.getNode(GetNodeRequest.newBuilder().setNodeId(nodeId("w1")).build()).getNodeInfo();
      assertEquals(NodeDeathInfo.Reason.AUTOSCALER_DRAIN_PREEMPTED, w1.getDeathInfo().getReason());
      // Draining a dead node is accepted and changes nothing, as in Ray.
      leaderNodes.drainNode(DrainNodeRequest.newBuilder().setRequestId(rid()).setNodeId(nodeId("w1"))
          .setReason(DrainReason.DRAIN_IDLE_TERMINATION).build());
      assertEquals(w1, leaderNodes.getNode(GetNodeRequest.newBuilder().setNodeId(nodeId("w1")).build()).getNodeInfo());

      // Retention of 2 dead nodes: a third death evicts the oldest (head1).
      register(c, "w2", false);
      clock.advance(1000);
      leaderNodes.unregisterNode(UnregisterNodeRequest.newBuilder().setRequestId(rid()).setNodeId(nodeId("w2")).build());
      var all = leaderNodes.getAllNodeInfo(GetAllNodeInfoRequest.newBuilder().build());
      assertEquals(3, all.getTotal());
      assertFalse(all.getNodeInfoListList().stream().anyMatch(n -> n.getNodeId().equals(nodeId("head1"))));

      var dead = leaderNodes.getAllNodeInfo(GetAllNodeInfoRequest.newBuilder().setStateFilter(NodeState.DEAD)
          .setLimit(1).build());
      assertEquals(1, dead.getNodeInfoListCount());
      assertEquals(1, dead.getNumFiltered());
      var byName = leaderNodes.getAllNodeInfo(GetAllNodeInfoRequest.newBuilder()
          .addNodeSelectors(NodeSelector.newBuilder().setNodeName("head2")).build());
      assertEquals(1, byName.getNodeInfoListCount());
      assertEquals(16, leaderNodes.getClusterId(GetClusterIdRequest.getDefaultInstance()).getClusterId().size());
      c.awaitConverged(Duration.ofSeconds(10));
    }
  }

  @Test
  void badNodeInputIsRejectedAndNothingChanges() throws Exception {
    try (MiniGcsCluster c = start(1000)) {
      awaitMonitor(c);
      while (nodes(c, c.leader()).getClusterId(GetClusterIdRequest.getDefaultInstance()).getClusterId().isEmpty()) {
        Thread.sleep(20);  // the first leader proposes the cluster id right after it starts
      }
      String before = c.awaitConverged(Duration.ofSeconds(10));
      var leader = nodes(c, c.leader());
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> leader.registerNode(
          RegisterNodeRequest.newBuilder().setRequestId(rid()).setNodeInfo(GcsNodeInfo.newBuilder()).build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("node_info.node_id"));
      e = assertThrows(StatusRuntimeException.class, () -> leader.registerNode(RegisterNodeRequest.newBuilder()
          .setRequestId(rid()).setNodeInfo(GcsNodeInfo.newBuilder().setNodeId(nodeId("x")).putResourcesTotal("CPU", -1))
          .build()));
      assertTrue(e.getStatus().getDescription().contains("resources_total[CPU]"));
      e = assertThrows(StatusRuntimeException.class, () -> leader.registerNode(RegisterNodeRequest.newBuilder()
          .setRequestId(rid()).setNodeInfo(GcsNodeInfo.newBuilder().setNodeId(nodeId("x"))
              .putResourcesTotal("GPU", Double.NaN)).build()));
      assertTrue(e.getStatus().getDescription().contains("resources_total[GPU]"), e.getStatus().getDescription());
      // Wrong-length ids (Ray's NodeID is 28 bytes) on every path that writes the node table.
      e = assertThrows(StatusRuntimeException.class, () -> leader.registerNode(RegisterNodeRequest.newBuilder()
          .setRequestId(rid()).setNodeInfo(GcsNodeInfo.newBuilder().setNodeId(id("short"))).build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("node_info.node_id: must be exactly 28 bytes"));
      e = assertThrows(StatusRuntimeException.class, () -> leader.unregisterNode(UnregisterNodeRequest.newBuilder()
          .setRequestId(rid()).setNodeId(ByteString.copyFrom(new byte[29])).build()));
      assertTrue(e.getStatus().getDescription().startsWith("node_id:"), e.getStatus().getDescription());
      e = assertThrows(StatusRuntimeException.class, () -> leader.drainNode(DrainNodeRequest.newBuilder()
          .setRequestId(rid()).setNodeId(id("short")).build()));
      assertTrue(e.getStatus().getDescription().startsWith("node_id:"), e.getStatus().getDescription());
      // Unknown enum values.
      e = assertThrows(StatusRuntimeException.class, () -> leader.unregisterNode(UnregisterNodeRequest.newBuilder()
          .setRequestId(rid()).setNodeId(nodeId("x")).setNodeDeathInfo(
              io.raftgcs.proto.NodeDeathInfo.newBuilder().setReasonValue(99)).build()));
      assertTrue(e.getStatus().getDescription().startsWith("node_death_info.reason"), e.getStatus().getDescription());
      e = assertThrows(StatusRuntimeException.class, () -> leader.drainNode(DrainNodeRequest.newBuilder()
          .setRequestId(rid()).setNodeId(nodeId("x")).setReasonValue(42).build()));
      assertTrue(e.getStatus().getDescription().startsWith("reason"), e.getStatus().getDescription());
      e = assertThrows(StatusRuntimeException.class, () -> nodes(c, (c.leader() + 1) % 3)
          .heartbeat(HeartbeatRequest.newBuilder().setNodeId(nodeId("x")).build()));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), "heartbeats go to the leader");
      assertEquals(before, c.awaitConverged(Duration.ofSeconds(10)));
    }
  }

  private static void awaitMonitor(MiniGcsCluster c) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      int l = c.leader();
      if (c.server(l).heartbeatMonitor().isActive()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("leader's monitor never started");
  }
}
