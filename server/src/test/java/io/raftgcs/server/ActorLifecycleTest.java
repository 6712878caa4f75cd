package io.raftgcs.server;

import static io.raftgcs.server.testing.TestIds.nodeId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftgcs.proto.ActorDeathCause;
import io.raftgcs.proto.ActorFilters;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.proto.Address;
import io.raftgcs.proto.CreateActorRequest;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.GetActorInfoRequest;
import io.raftgcs.proto.GetAllActorInfoRequest;
import io.raftgcs.proto.GetNamedActorInfoRequest;
import io.raftgcs.proto.GetNodeAssignmentsRequest;
import io.raftgcs.proto.KillActorViaGcsRequest;
import io.raftgcs.proto.NodeAffinity;
import io.raftgcs.proto.RegisterActorRequest;
import io.raftgcs.proto.RegisterNodeRequest;
import io.raftgcs.proto.ReportActorStartedRequest;
import io.raftgcs.proto.ReportWorkerFailureRequest;
import io.raftgcs.proto.SchedulingStrategy;
import io.raftgcs.proto.UnregisterNodeRequest;
import io.raftgcs.proto.WorkerExitType;
import io.raftgcs.proto.WorkerTableData;
import io.raftgcs.server.testing.MiniGcsCluster;
import io.raftgcs.server.testing.Stubs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The actor lifecycle end to end on a real cluster, with the test playing the node agents: placement by
 * the leader's scheduler, started → ALIVE, node death → RESTARTING → placed elsewhere, the restart
 * budget, named actors, kill, and a scheduler that never hands out the same capacity twice.
 */
class ActorLifecycleTest {
  @TempDir Path dir;

  private static ByteString id(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static void registerNode(Stubs s, String ep, String node, double cpus) {
    s.nodes(ep).registerNode(RegisterNodeRequest.newBuilder().setRequestId(s.rid()).setNodeInfo(GcsNodeInfo.newBuilder()
        .setNodeId(nodeId(node)).setNodeManagerAddress("127.0.0.1").putResourcesTotal("CPU", cpus)).build());
  }

  private static ActorTableData.Builder spec(String actor, double cpus, long maxRestarts) {
    return ActorTableData.newBuilder().setActorId(id(actor)).setJobId(id("job1")).setClassName("Counter")
        .putRequiredResources("CPU", cpus).setMaxRestarts(maxRestarts)
        .setOwnerAddress(Address.newBuilder().setWorkerId(id("driver")).setNodeId(nodeId("head")));
  }

  private static ActorTableData get(Stubs s, String ep, String actor) {
    return s.actors(ep).getActorInfo(GetActorInfoRequest.newBuilder().setActorId(id(actor)).build()).getActorTableData();
  }

  /** Plays the agent of {@code node}: confirms every placement on it; returns how many it confirmed. */
  private static int confirmPlacements(Stubs s, String ep, String node) {
    var assigned = s.actors(ep).getNodeAssignments(GetNodeAssignmentsRequest.newBuilder().setNodeId(nodeId(node)).build());
    for (ActorTableData a : assigned.getActorsList()) {
      s.actors(ep).reportActorStarted(ReportActorStartedRequest.newBuilder().setRequestId(s.rid())
          .setActorId(a.getActorId()).setAttempt(a.getPlacementAttempt())
          .setAddress(Address.newBuilder().setWorkerId(id("w-" + a.getActorId().toStringUtf8() + "-" + a.getPlacementAttempt()))
              .setIpAddress("127.0.0.1").setPort(1234)).setPid(42).build());
    }
    return assigned.getActorsCount();
  }

  private static ActorTableData awaitState(Stubs s, String ep, String actor, ActorState want) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    ActorTableData a = get(s, ep, actor);
    while (a.getState() != want || (want != ActorState.DEAD && want != ActorState.ALIVE && a.getNodeId().isEmpty())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("actor " + actor + " stuck in " + a.getState() + " node=" + a.getNodeId().toStringUtf8().trim());
      }
      Thread.sleep(20);
      a = get(s, ep, actor);
    }
    return a;
  }

  @Test
  void createPlaceStartFailOverAndRestartWithinBudget() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir); Stubs s = new Stubs()) {
      String ep = c.endpoint(c.leader());
      registerNode(s, ep, "n-a", 1);
      registerNode(s, ep, "n-b", 1);
      s.actors(ep).registerActor(RegisterActorRequest.newBuilder().setRequestId(s.rid())
          .setSpec(spec("actor1", 1, 1).setName("counter").setRayNamespace("ns")).build());
      assertEquals(ActorState.DEPENDENCIES_UNREADY, get(s, ep, "actor1").getState());

      // CreateActor holds its reply until the agent confirms.
      CompletableFuture<ActorTableData> created = CompletableFuture.supplyAsync(() -> s.actors(ep).createActor(
          CreateActorRequest.newBuilder().setRequestId(s.rid()).setActorId(id("actor1")).setWaitUntilSettled(true)
              .build()).getActor());
      ActorTableData placed = awaitState(s, ep, "actor1", ActorState.PENDING_CREATION);
      String first = placed.getNodeId().toStringUtf8().trim();
      assertEquals(1, confirmPlacements(s, ep, first));
      ActorTableData alive = created.get();
      assertEquals(ActorState.ALIVE, alive.getState());
      assertEquals(first, alive.getAddress().getNodeId().toStringUtf8().trim());

      // Its node dies: one restart is in budget, so it is placed on the other node.
      s.nodes(ep).unregisterNode(UnregisterNodeRequest.newBuilder().setRequestId(s.rid()).setNodeId(nodeId(first)).build());
      ActorTableData restarting = awaitState(s, ep, "actor1", ActorState.RESTARTING);
      String second = restarting.getNodeId().toStringUtf8().trim();
      assertFalse(first.equals(second));
      assertEquals(1, restarting.getNumRestarts());
      confirmPlacements(s, ep, second);
      assertEquals(ActorState.ALIVE, awaitState(s, ep, "actor1", ActorState.ALIVE).getState());
      assertEquals("actor1", s.actors(ep).getNamedActorInfo(GetNamedActorInfoRequest.newBuilder().setName("counter")
          .setRayNamespace("ns").build()).getActorTableData().getActorId().toStringUtf8(), "a restarted actor keeps its name");

      // Its worker dies: the budget is spent, so it is DEAD and the name is free again.
      s.workers(ep).reportWorkerFailure(ReportWorkerFailureRequest.newBuilder().setRequestId(s.rid()).setWorkerFailure(
          WorkerTableData.newBuilder().setWorkerAddress(get(s, ep, "actor1").getAddress())
              .setExitType(WorkerExitType.SYSTEM_ERROR)).build());
      ActorTableData dead = awaitState(s, ep, "actor1", ActorState.DEAD);
      assertEquals(ActorDeathCause.Kind.WORKER_DIED, dead.getDeathCause().getKind());
      StatusRuntimeException gone = assertThrows(StatusRuntimeException.class, () -> s.actors(ep).getNamedActorInfo(
          GetNamedActorInfoRequest.newBuilder().setName("counter").setRayNamespace("ns").build()));
      assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
      c.awaitConverged(Duration.ofSeconds(10));
    }
  }

  @Test
  void deadActorsBeyondTheConfiguredBoundLeaveEveryReplicaEarliestFirst() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir, cfg -> cfg.withMaxDeadActors(1)); Stubs s = new Stubs()) {
      String ep = c.endpoint(c.leader());
      for (String a : new String[] {"a1", "a2", "a3"}) {
        s.actors(ep).registerActor(RegisterActorRequest.newBuilder().setRequestId(s.rid()).setSpec(spec(a, 1, 0)).build());
      }
      for (String a : new String[] {"a1", "a2"}) {
        s.actors(ep).killActorViaGcs(KillActorViaGcsRequest.newBuilder().setRequestId(s.rid()).setActorId(id(a))
            .setNoRestart(true).build());
      }
      for (int i = 0; i < c.size(); i++) {
        var dead = s.actors(c.endpoint(i)).getAllActorInfo(GetAllActorInfoRequest.newBuilder()
            .setFilters(ActorFilters.newBuilder().setHasState(true).setState(ActorState.DEAD)).build());
        assertEquals(1, dead.getActorTableDataCount(), "replica " + i);
        assertEquals("a2", dead.getActorTableData(0).getActorId().toStringUtf8(), "a1 died first: dropped");
        assertEquals(2, dead.getTotal(), "a2 dead + a3");
        assertEquals(1, dead.getNumFiltered());
      }
      StatusRuntimeException gone = assertThrows(StatusRuntimeException.class, () -> get(s, ep, "a1"));
      assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
    }
  }

  @Test
  void neverGivesTheSameCapacityTwiceAndPlacesWhenANodeJoins() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir); Stubs s = new Stubs()) {
      String ep = c.endpoint(c.leader());
      registerNode(s, ep, "small", 2);
      for (int i = 0; i < 5; i++) {
        s.actors(ep).registerActor(RegisterActorRequest.newBuilder().setRequestId(s.rid())
            .setSpec(spec("a" + i, 1, 0)).build());
        s.actors(ep).createActor(CreateActorRequest.newBuilder().setRequestId(s.rid()).setActorId(id("a" + i)).build());
      }
      Thread.sleep(1500);
      var all = s.actors(ep).getAllActorInfo(GetAllActorInfoRequest.newBuilder().build());
      long placed = all.getActorTableDataList().stream().filter(a -> !a.getNodeId().isEmpty()).count();
      assertEquals(2, placed, "a 2-CPU node takes exactly two 1-CPU actors");
      var pending = s.actors(ep).getAllActorInfo(GetAllActorInfoRequest.newBuilder().setFilters(
          ActorFilters.newBuilder().setHasState(true).setState(ActorState.PENDING_CREATION)).build());
      assertEquals(5, pending.getActorTableDataCount(), "infeasible actors stay pending, visibly");

      registerNode(s, ep, "big", 8);
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (s.actors(ep).getAllActorInfo(GetAllActorInfoRequest.newBuilder().build()).getActorTableDataList().stream()
          .filter(a -> !a.getNodeId().isEmpty()).count() < 5) {
        assertTrue(System.nanoTime() < deadline, "pending actors placed once a node fits them");
        Thread.sleep(50);
      }
    }
  }

  @Test
  void hardAffinityToADeadNodeIsUnschedulableAndKillReleasesTheName() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir); Stubs s = new Stubs()) {
      String ep = c.endpoint(c.leader());
      registerNode(s, ep, "n1", 4);
      s.nodes(ep).unregisterNode(UnregisterNodeRequest.newBuilder().setRequestId(s.rid()).setNodeId(nodeId("n1")).build());
      registerNode(s, ep, "n2", 4);
      s.actors(ep).registerActor(RegisterActorRequest.newBuilder().setRequestId(s.rid()).setSpec(spec("pinned", 1, 3)
          .setSchedulingStrategy(SchedulingStrategy.newBuilder().setKind(SchedulingStrategy.Kind.NODE_AFFINITY)
              .setNodeAffinity(NodeAffinity.newBuilder().setNodeId(nodeId("n1")).setSoft(false)))).build());
      s.actors(ep).createActor(CreateActorRequest.newBuilder().setRequestId(s.rid()).setActorId(id("pinned")).build());
      assertEquals(ActorDeathCause.Kind.UNSCHEDULABLE, awaitState(s, ep, "pinned", ActorState.DEAD).getDeathCause().getKind());

      s.actors(ep).registerActor(RegisterActorRequest.newBuilder().setRequestId(s.rid())
          .setSpec(spec("named", 1, -1).setName("svc")).build());
      StatusRuntimeException taken = assertThrows(StatusRuntimeException.class, () -> s.actors(ep).registerActor(
          RegisterActorRequest.newBuilder().setRequestId(s.rid()).setSpec(spec("other", 1, 0).setName("svc")).build()));
      assertEquals(Status.Code.ALREADY_EXISTS, taken.getStatus().getCode());
      s.actors(ep).killActorViaGcs(KillActorViaGcsRequest.newBuilder().setRequestId(s.rid()).setActorId(id("named"))
          .setNoRestart(true).build());
      assertEquals(ActorDeathCause.Kind.RAY_KILL, get(s, ep, "named").getDeathCause().getKind());
      s.actors(ep).registerActor(RegisterActorRequest.newBuilder().setRequestId(s.rid())
          .setSpec(spec("other", 1, 0).setName("svc")).build());
      c.awaitConverged(Duration.ofSeconds(10));
    }
  }
}
