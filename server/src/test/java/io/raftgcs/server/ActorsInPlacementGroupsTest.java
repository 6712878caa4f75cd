package io.raftgcs.server;

import static io.raftgcs.server.testing.TestIds.nodeId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftgcs.proto.ActorDeathCause;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.proto.Address;
import io.raftgcs.proto.Bundle;
import io.raftgcs.proto.CreateActorRequest;
import io.raftgcs.proto.CreatePlacementGroupRequest;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.GetActorInfoRequest;
import io.raftgcs.proto.GetNodeAssignmentsRequest;
import io.raftgcs.proto.GetPlacementGroupRequest;
import io.raftgcs.proto.KillActorViaGcsRequest;
import io.raftgcs.proto.PlacementGroupSpec;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementGroupTableData.PlacementGroupState;
import io.raftgcs.proto.PlacementStrategy;
import io.raftgcs.proto.RegisterActorRequest;
import io.raftgcs.proto.RegisterNodeRequest;
import io.raftgcs.proto.RemovePlacementGroupRequest;
import io.raftgcs.proto.ReportActorStartedRequest;
import io.raftgcs.proto.SchedulingStrategy;
import io.raftgcs.proto.UnregisterNodeRequest;
import io.raftgcs.server.testing.MiniGcsCluster;
import io.raftgcs.server.testing.Stubs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Actors scheduled into placement-group bundles, on a real cluster with the test playing the agents: an actor
 * takes capacity from its bundle's reservation (never again from the node), a full bundle makes it wait,
 * -1 picks any bundle with room, a pending group makes it wait, a lost bundle makes it wait for the group to
 * be rescheduled, and a removed group kills the actors in it (UNSCHEDULABLE).
 */
class ActorsInPlacementGroupsTest {
  @TempDir Path dir;

  private static ByteString id(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static void registerNode(Stubs s, String ep, String node, Map<String, Double> resources) {
    s.nodes(ep).registerNode(RegisterNodeRequest.newBuilder().setRequestId(s.rid()).setNodeInfo(GcsNodeInfo.newBuilder()
        .setNodeId(nodeId(node)).setNodeManagerAddress("127.0.0.1").putAllResourcesTotal(resources)).build());
  }

  private static void createPg(Stubs s, String ep, String pg, PlacementStrategy st, int bundles,
      Map<String, Double> unit) {
    PlacementGroupSpec.Builder spec = PlacementGroupSpec.newBuilder().setPlacementGroupId(id(pg)).setStrategy(st)
        .setIsDetached(true);
    for (int i = 0; i < bundles; i++) {
      spec.addBundles(Bundle.newBuilder().putAllUnitResources(unit));
    }
    s.pgs(ep).createPlacementGroup(CreatePlacementGroupRequest.newBuilder().setRequestId(s.rid())
        .setPlacementGroupSpec(spec).build());
  }

  private static ActorTableData.Builder spec(String actor, double cpus, long maxRestarts) {
    return ActorTableData.newBuilder().setActorId(id(actor)).setJobId(id("job1")).setClassName("A")
        .putRequiredResources("CPU", cpus).setMaxRestarts(maxRestarts).setIsDetached(true)
        .setOwnerAddress(Address.newBuilder().setWorkerId(id("driver")).setNodeId(nodeId("head")));
  }

  private static SchedulingStrategy inPg(String pg, int bundle) {
    return SchedulingStrategy.newBuilder().setKind(SchedulingStrategy.Kind.PLACEMENT_GROUP)
        .setPlacementGroupId(id(pg)).setBundleIndex(bundle).build();
  }

  private static void createActor(Stubs s, String ep, ActorTableData.Builder spec) {
    s.actors(ep).registerActor(RegisterActorRequest.newBuilder().setRequestId(s.rid()).setSpec(spec).build());
    s.actors(ep).createActor(CreateActorRequest.newBuilder().setRequestId(s.rid()).setActorId(spec.getActorId()).build());
  }

  private static ActorTableData get(Stubs s, String ep, String actor) {
    return s.actors(ep).getActorInfo(GetActorInfoRequest.newBuilder().setActorId(id(actor)).build()).getActorTableData();
  }

  private static PlacementGroupTableData getPg(Stubs s, String ep, String pg) {
    return s.pgs(ep).getPlacementGroup(GetPlacementGroupRequest.newBuilder().setPlacementGroupId(id(pg)).build())
        .getPlacementGroupTableData();
  }

  private static PlacementGroupTableData awaitPg(Stubs s, String ep, String pg, PlacementGroupState want)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    PlacementGroupTableData g = getPg(s, ep, pg);
    while (g.getState() != want) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("placement group " + pg + " stuck in " + g.getState());
      }
      Thread.sleep(20);
      g = getPg(s, ep, pg);
    }
    return g;
  }

  /** Waits until the actor is placed (node set, not yet confirmed) or, for DEAD/ALIVE, in that state. */
  private static ActorTableData await(Stubs s, String ep, String actor, ActorState want) throws InterruptedException {
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

  private static void confirmAll(Stubs s, String ep, String node) {
    for (ActorTableData a : s.actors(ep).getNodeAssignments(GetNodeAssignmentsRequest.newBuilder().setNodeId(nodeId(node))
        .build()).getActorsList()) {
      s.actors(ep).reportActorStarted(ReportActorStartedRequest.newBuilder().setRequestId(s.rid())
          .setActorId(a.getActorId()).setAttempt(a.getPlacementAttempt())
          .setAddress(Address.newBuilder().setWorkerId(id("w-" + a.getActorId().toStringUtf8() + "-"
              + a.getPlacementAttempt())).setIpAddress("127.0.0.1").setPort(1)).setPid(7).build());
    }
  }

  private static void assertStillWaiting(Stubs s, String ep, String actor) throws InterruptedException {
    Thread.sleep(600);
    ActorTableData a = get(s, ep, actor);
    assertTrue(a.getState() == ActorState.PENDING_CREATION || a.getState() == ActorState.RESTARTING, a.toString());
    assertTrue(a.getNodeId().isEmpty(), actor + " must wait, but is on " + a.getNodeId().toStringUtf8().trim());
  }

  @Test
  void actorsTakeTheirBundlesReservationWaitForRoomAndDieWithTheGroup() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir); Stubs s = new Stubs()) {
      String ep = c.endpoint(c.leader());
      registerNode(s, ep, "n1", Map.of("CPU", 4.0));
      registerNode(s, ep, "n2", Map.of("CPU", 4.0));
      createPg(s, ep, "g", PlacementStrategy.STRICT_SPREAD, 2, Map.of("CPU", 2.0));
      PlacementGroupTableData g = awaitPg(s, ep, "g", PlacementGroupState.CREATED);
      String b0 = g.getBundles(0).getNodeId().toStringUtf8().trim();
      String b1 = g.getBundles(1).getNodeId().toStringUtf8().trim();
      assertNotEquals(b0, b1);

      // Bundle 0 (2 CPU) takes a0 and a1; a2 must wait; a3 (any bundle) goes to bundle 1.
      createActor(s, ep, spec("a0", 1, 0).setSchedulingStrategy(inPg("g", 0)));
      createActor(s, ep, spec("a1", 1, 0).setSchedulingStrategy(inPg("g", 0)));
      ActorTableData a0 = await(s, ep, "a0", ActorState.PENDING_CREATION);
      ActorTableData a1 = await(s, ep, "a1", ActorState.PENDING_CREATION);
      assertEquals(b0, a0.getNodeId().toStringUtf8().trim());
      assertEquals(b0, a1.getNodeId().toStringUtf8().trim());
      assertEquals(0, a0.getPlacedBundleIndex());
      createActor(s, ep, spec("a2", 1, 0).setSchedulingStrategy(inPg("g", 0)));
      createActor(s, ep, spec("a3", 1, 1).setSchedulingStrategy(inPg("g", -1)));
      ActorTableData a3 = await(s, ep, "a3", ActorState.PENDING_CREATION);
      assertEquals(b1, a3.getNodeId().toStringUtf8().trim());
      assertEquals(1, a3.getPlacedBundleIndex());
      assertStillWaiting(s, ep, "a2");

      // The actors in bundles take nothing from the nodes' free capacity: each node still has 4 - 2 = 2 CPU free
      // for ordinary actors, and not a bit more.
      createActor(s, ep, spec("p1", 2, 0));
      createActor(s, ep, spec("p2", 2, 0));
      assertNotEquals(await(s, ep, "p1", ActorState.PENDING_CREATION).getNodeId(),
          await(s, ep, "p2", ActorState.PENDING_CREATION).getNodeId());
      createActor(s, ep, spec("p3", 1, 0));
      assertStillWaiting(s, ep, "p3");
      confirmAll(s, ep, "n1");
      confirmAll(s, ep, "n2");
      assertEquals(ActorState.ALIVE, get(s, ep, "a0").getState());

      // a1 killed: its share of bundle 0 goes to a2.
      s.actors(ep).killActorViaGcs(KillActorViaGcsRequest.newBuilder().setRequestId(s.rid()).setActorId(id("a1"))
          .setNoRestart(true).build());
      assertEquals(b0, await(s, ep, "a2", ActorState.PENDING_CREATION).getNodeId().toStringUtf8().trim());
      confirmAll(s, ep, b0);

      // A group still pending: the actor waits, and is placed once the group is.
      createPg(s, ep, "gpu", PlacementStrategy.STRICT_PACK, 1, Map.of("GPU", 1.0));
      createActor(s, ep, spec("gpu-actor", 0, 0).putRequiredResources("GPU", 1).setSchedulingStrategy(inPg("gpu", 0)));
      assertStillWaiting(s, ep, "gpu-actor");
      registerNode(s, ep, "n3", Map.of("GPU", 1.0));
      awaitPg(s, ep, "gpu", PlacementGroupState.CREATED);
      assertEquals("n3", await(s, ep, "gpu-actor", ActorState.PENDING_CREATION).getNodeId().toStringUtf8().trim());

      // The node of bundle 1 dies: a3 restarts and waits for its bundle to be rescheduled, then lands there.
      s.nodes(ep).unregisterNode(UnregisterNodeRequest.newBuilder().setRequestId(s.rid()).setNodeId(nodeId(b1)).build());
      awaitPg(s, ep, "g", PlacementGroupState.RESCHEDULING);
      assertEquals(ActorState.RESTARTING, get(s, ep, "a3").getState());
      assertStillWaiting(s, ep, "a3");
      registerNode(s, ep, "n4", Map.of("CPU", 4.0));
      assertEquals("n4", awaitPg(s, ep, "g", PlacementGroupState.CREATED).getBundles(1).getNodeId().toStringUtf8().trim());
      ActorTableData moved = await(s, ep, "a3", ActorState.RESTARTING);
      assertEquals("n4", moved.getNodeId().toStringUtf8().trim());
      assertEquals(1, moved.getPlacedBundleIndex());
      confirmAll(s, ep, "n4");

      // No node has 2 CPU free outside the bundles now (b0's node: 4 - 2 - 2, n4: 4 - 2 - p3's 1).
      createActor(s, ep, spec("p4", 2, 0));
      assertStillWaiting(s, ep, "p4");

      // Requests that can never be satisfied: a bundle index out of range, a need no bundle can hold.
      createActor(s, ep, spec("bad-index", 1, 0).setSchedulingStrategy(inPg("g", 7)));
      createActor(s, ep, spec("too-big", 3, 0).setSchedulingStrategy(inPg("g", -1)));
      assertEquals(ActorDeathCause.Kind.UNSCHEDULABLE, await(s, ep, "bad-index", ActorState.DEAD).getDeathCause().getKind());
      assertEquals(ActorDeathCause.Kind.UNSCHEDULABLE, await(s, ep, "too-big", ActorState.DEAD).getDeathCause().getKind());

      // The group removed: every actor in it dies, alive or not; a new actor for it is unschedulable.
      s.pgs(ep).removePlacementGroup(RemovePlacementGroupRequest.newBuilder().setRequestId(s.rid())
          .setPlacementGroupId(id("g")).build());
      for (String a : new String[] {"a0", "a2", "a3"}) {
        ActorTableData dead = get(s, ep, a);
        assertEquals(ActorState.DEAD, dead.getState(), a);
        assertEquals(ActorDeathCause.Kind.UNSCHEDULABLE, dead.getDeathCause().getKind(), a);
        assertEquals("its placement group was removed", dead.getDeathCause().getMessage());
      }
      createActor(s, ep, spec("late", 1, 0).setSchedulingStrategy(inPg("g", -1)));
      assertEquals(ActorDeathCause.Kind.UNSCHEDULABLE, await(s, ep, "late", ActorState.DEAD).getDeathCause().getKind());
      assertEquals(ActorState.PENDING_CREATION, get(s, ep, "gpu-actor").getState(), "another group is untouched");

      // The bundles' capacity is free again for ordinary actors.
      assertTrue(!await(s, ep, "p4", ActorState.PENDING_CREATION).getNodeId().isEmpty());
      c.awaitConverged(Duration.ofSeconds(10));
    }
  }

  @Test
  void badPlacementGroupStrategyIsInvalidArgument() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(1, dir); Stubs s = new Stubs()) {
      String ep = c.endpoint(c.leader());
      for (Object[] tc : new Object[][] {
          {SchedulingStrategy.newBuilder().setKind(SchedulingStrategy.Kind.PLACEMENT_GROUP).setBundleIndex(-1).build(),
              "spec.scheduling_strategy.placement_group_id"},
          {inPg("g", -2), "spec.scheduling_strategy.bundle_index"}}) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> s.actors(ep).registerActor(
            RegisterActorRequest.newBuilder().setRequestId(s.rid())
                .setSpec(spec("x", 1, 0).setSchedulingStrategy((SchedulingStrategy) tc[0])).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith((String) tc[1]), e.getStatus().getDescription());
      }
    }
  }
}
