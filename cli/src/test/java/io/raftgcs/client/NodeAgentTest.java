package io.raftgcs.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.NodeDeathInfo;
import io.raftgcs.proto.NodeState;
import io.raftgcs.server.config.NodeMonitorConfig;
import io.raftgcs.server.testing.MiniGcsCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * NodeAgent against a real cluster: registers, heartbeats at the leader's period, rides over a
 * leader death without being declared dead, re-registers under a new id when the cluster forgets
 * it, moves its own-node subscription along, and unregisters on close.
 */
@Timeout(60)
class NodeAgentTest {
  @TempDir Path dir;

  @Test
  void registersHeartbeatsSurvivesFailoverAndReregistersWhenForgotten() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir,
            cfg -> cfg.withNodes(new NodeMonitorConfig(200, 2000, 100, 1000)));
        GcsClient client = GcsClient.builder().endpoints(c.endpoints()).build()) {
      List<GcsNodeInfo> rows = Collections.synchronizedList(new ArrayList<>());
      AtomicReference<byte[]> reregisteredAs = new AtomicReference<>();
      NodeAgent agent = NodeAgent.builder(client).address("10.0.0.7").name("worker-7")
          .resources(Map.of("CPU", 4.0, "GPU", 1.0)).labels(Map.of("zone", "a"))
          .availableResources(() -> Map.of("CPU", 3.0, "GPU", 1.0))
          .listener(new NodeAgent.Listener() {
            @Override
            public void onReregistered(byte[] oldNodeId, byte[] newNodeId, long revision) {
              reregisteredAs.set(newNodeId);
            }
          }).build();
      agent.watchNode(new Subscription.Listener() {
        @Override
        public void onEvents(EventBatch batch) {
          batch.getEventsList().forEach(e -> NodeClient.nodeOf(e).ifPresent(rows::add));
        }
      });
      byte[] first = agent.start().get(15, TimeUnit.SECONDS);
      assertEquals(NodeIds.LENGTH, first.length);
      await(() -> agent.heartbeats() >= 3, "heartbeats");
      assertEquals(Duration.ofMillis(200), agent.heartbeatPeriod(), "period from the leader");
      GcsNodeInfo row = client.nodes().get(first).orElseThrow();
      assertEquals(NodeState.ALIVE, row.getState());
      assertEquals("worker-7", row.getNodeName());
      await(() -> rows.stream().anyMatch(r -> r.getNodeId().equals(ByteString.copyFrom(first))),
          "own registration seen on the NODE channel");
      ResourceUsage usage = client.resources().usage();
      assertEquals(3.0, usage.nodes().get(0).getResourcesReportedMap().get("CPU"));

      // The leader dies: heartbeats fail for a while, then continue at the new leader, which
      // gives every node a full timeout first: no false death, no re-registration.
      int leader = c.leader();
      c.kill(leader);
      long before = agent.heartbeats();
      await(() -> agent.heartbeats() >= before + 5, "heartbeats after failover");
      assertEquals(1, agent.registrations());
      assertArrayEquals(first, agent.nodeId());
      c.restart(leader);

      // The cluster forgets the node: the next heartbeat is NOT_FOUND; the agent registers a
      // new id (no resurrection) and its subscription follows.
      client.nodes().unregister(first, NodeDeathInfo.Reason.UNEXPECTED_TERMINATION, "test");
      await(() -> agent.registrations() == 2, "re-registration");
      byte[] second = agent.nodeId();
      assertFalse(java.util.Arrays.equals(first, second));
      // The agent counts the registration before it tells the listener: wait for the callback.
      await(() -> reregisteredAs.get() != null, "onReregistered");
      assertArrayEquals(second, reregisteredAs.get());
      assertEquals(NodeState.DEAD, client.nodes().get(first).orElseThrow().getState());
      assertEquals(NodeState.ALIVE, client.nodes().get(second).orElseThrow().getState());
      await(() -> rows.stream().anyMatch(r -> r.getNodeId().equals(ByteString.copyFrom(second))
          && r.getState() == NodeState.ALIVE), "new registration seen on the NODE channel");
      long beats = agent.heartbeats();
      await(() -> agent.heartbeats() >= beats + 2, "heartbeats under the new id");

      agent.close();
      GcsNodeInfo gone = client.nodes().get(second).orElseThrow();
      assertEquals(NodeState.DEAD, gone.getState());
      assertEquals(NodeDeathInfo.Reason.EXPECTED_TERMINATION, gone.getDeathInfo().getReason());
      assertEquals(0, client.subscriptionCount(), "agent's subscriptions closed");
      NodeList alive = client.nodes().getAll(NodeQuery.all().state(NodeState.ALIVE));
      assertEquals(0, alive.nodes().size());
      assertEquals(2, alive.total());
      assertEquals(2, alive.numFiltered());
      assertTrue(alive.revision() > 0);
    }
  }

  private static void await(BooleanSupplier cond, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
