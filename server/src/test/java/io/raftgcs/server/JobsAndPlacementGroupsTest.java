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
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.proto.AddJobRequest;
import io.raftgcs.proto.Address;
import io.raftgcs.proto.Bundle;
import io.raftgcs.proto.CreateActorRequest;
import io.raftgcs.proto.CreatePlacementGroupRequest;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.GetActorInfoRequest;
import io.raftgcs.proto.GetAllJobInfoRequest;
import io.raftgcs.proto.GetNextJobIDRequest;
import io.raftgcs.proto.GetNodeBundlesRequest;
import io.raftgcs.proto.GetPlacementGroupRequest;
import io.raftgcs.proto.InternalKVExistsRequest;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.JobConfig;
import io.raftgcs.proto.JobTableData;
import io.raftgcs.proto.KillActorViaGcsRequest;
import io.raftgcs.proto.MarkJobFinishedRequest;
import io.raftgcs.proto.PlacementGroupSpec;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementGroupTableData.PlacementGroupState;
import io.raftgcs.proto.PlacementStrategy;
import io.raftgcs.proto.RegisterActorRequest;
import io.raftgcs.proto.RegisterNodeRequest;
import io.raftgcs.proto.RemovePlacementGroupRequest;
import io.raftgcs.proto.UnregisterNodeRequest;
import io.raftgcs.proto.WaitPlacementGroupUntilReadyRequest;
import io.raftgcs.server.testing.MiniGcsCluster;
import io.raftgcs.server.testing.Stubs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs and placement groups end to end on a real cluster, with raw stubs: replicated job ids across leader
 * changes, the job-finish cascade, PACK rescheduling only the lost bundles, STRICT_SPREAD waiting for nodes,
 * STRICT_PACK, and bad input rejected before anything is written.
 */
class JobsAndPlacementGroupsTest {
  @TempDir Path dir;

  private static ByteString id(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static void registerNode(Stubs s, String ep, String node, double cpus) {
    s.nodes(ep).registerNode(RegisterNodeRequest.newBuilder().setRequestId(s.rid()).setNodeInfo(GcsNodeInfo.newBuilder()
        .setNodeId(nodeId(node)).setNodeManagerAddress("127.0.0.1").putResourcesTotal("CPU", cpus)).build());
  }

  private static void killNode(Stubs s, String ep, String node) {
    s.nodes(ep).unregisterNode(UnregisterNodeRequest.newBuilder().setRequestId(s.rid()).setNodeId(nodeId(node)).build());
  }

  private static int nextJobId(Stubs s, String ep) {
    return s.jobs(ep).getNextJobID(GetNextJobIDRequest.newBuilder().setRequestId(s.rid()).build()).getJobId();
  }

  private static CreatePlacementGroupRequest pg(Stubs s, String pgId, PlacementStrategy st, int bundles, double cpu) {
    PlacementGroupSpec.Builder spec = PlacementGroupSpec.newBuilder().setPlacementGroupId(id(pgId)).setStrategy(st)
        .setIsDetached(true);
    for (int i = 0; i < bundles; i++) {
      spec.addBundles(Bundle.newBuilder().putUnitResources("CPU", cpu));
    }
    return CreatePlacementGroupRequest.newBuilder().setRequestId(s.rid()).setPlacementGroupSpec(spec).build();
  }

  private static PlacementGroupTableData getPg(Stubs s, String ep, String pgId) {
    return s.pgs(ep).getPlacementGroup(GetPlacementGroupRequest.newBuilder().setPlacementGroupId(id(pgId)).build())
        .getPlacementGroupTableData();
  }

  private static PlacementGroupTableData awaitPg(Stubs s, String ep, String pgId, PlacementGroupState want)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    PlacementGroupTableData g = getPg(s, ep, pgId);
    while (g.getState() != want) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("placement group " + pgId + " stuck in " + g.getState());
      }
      Thread.sleep(20);
      g = getPg(s, ep, pgId);
    }
    return g;
  }

  private static List<String> nodesOf(PlacementGroupTableData g) {
    return g.getBundlesList().stream().map(b -> b.getNodeId().toStringUtf8().trim()).toList();
  }

  @Test
  void jobIdsStrictlyIncreaseAcrossFiveLeaderKillsAndAFullRestart() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir); Stubs s = new Stubs()) {
      int last = 0;
      // One leadership transfer, then five leader kills (each restarted), then a whole-cluster restart.
      for (int round = 0; round < 7; round++) {
        String ep = c.endpoint(c.leader());
        for (int i = 0; i < 3; i++) {
          int next = nextJobId(s, ep);
          assertTrue(next > last, "job id " + next + " after " + last);
          last = next;
        }
        int leader = c.leader();
        if (round == 0) {
          c.transferLeadership((leader + 1) % c.size());
        } else if (round == 6) {
          for (int i = 0; i < c.size(); i++) {
            c.kill(i);
          }
          for (int i = 0; i < c.size(); i++) {
            c.restart(i);
          }
        } else {
          c.kill(leader);
          c.awaitLeader(Duration.ofSeconds(20));
          c.restart(leader);
        }
        c.awaitLeader(Duration.ofSeconds(20));
      }
      // A hand-registered job above the counter raises it: GetNextJobID never hands that id out again.
      String ep = c.endpoint(c.leader());
      s.jobs(ep).addJob(AddJobRequest.newBuilder().setRequestId(s.rid()).setData(JobTableData.newBuilder()
          .setJobId(ByteString.copyFrom(new byte[] {0, 0, 0, 100}))).build());
      assertEquals(101, nextJobId(s, ep));

      // The death of the driver's node finishes the job.
      registerNode(s, ep, "drv", 1);
      s.jobs(ep).addJob(AddJobRequest.newBuilder().setRequestId(s.rid()).setData(JobTableData.newBuilder()
          .setJobId(ByteString.copyFrom(new byte[] {0, 0, 0, (byte) 200}))
          .setDriverAddress(Address.newBuilder().setNodeId(nodeId("drv")))).build());
      assertFalse(s.jobs(ep).getAllJobInfo(GetAllJobInfoRequest.newBuilder().setJobOrSubmissionId("000000c8").build())
          .getJobInfoList(0).getIsDead());
      killNode(s, ep, "drv");
      assertTrue(s.jobs(ep).getAllJobInfo(GetAllJobInfoRequest.newBuilder().setJobOrSubmissionId("000000c8").build())
          .getJobInfoList(0).getIsDead());
      c.awaitConverged(Duration.ofSeconds(10));
    }
  }

  @Test
  void finishedJobKillsItsNonDetachedActorsRemovesItsGroupsAndExports() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir); Stubs s = new Stubs()) {
      String ep = c.endpoint(c.leader());
      registerNode(s, ep, "n1", 8);
      int jid = nextJobId(s, ep);
      ByteString job = ByteString.copyFrom(java.nio.ByteBuffer.allocate(4).putInt(jid).array());
      String jobHex = java.util.HexFormat.of().formatHex(job.toByteArray());
      s.jobs(ep).addJob(AddJobRequest.newBuilder().setRequestId(s.rid()).setData(JobTableData.newBuilder().setJobId(job)
          .setDriverPid(7).setDriverAddress(Address.newBuilder().setNodeId(nodeId("n1")).setWorkerId(id("driver")))
          .setEntrypoint("python main.py").setConfig(JobConfig.newBuilder().setRayNamespace("ns")
              .putMetadata("job_submission_id", "raysubmit_1"))).build());
      for (String a : List.of("plain", "detached")) {
        s.actors(ep).registerActor(RegisterActorRequest.newBuilder().setRequestId(s.rid()).setSpec(ActorTableData
            .newBuilder().setActorId(id(a)).setJobId(job).setIsDetached(a.equals("detached")).putRequiredResources("CPU", 1)
            .setOwnerAddress(Address.newBuilder().setWorkerId(id("driver")).setNodeId(nodeId("n1")))).build());
        s.actors(ep).createActor(CreateActorRequest.newBuilder().setRequestId(s.rid()).setActorId(id(a)).build());
      }
      s.pgs(ep).createPlacementGroup(CreatePlacementGroupRequest.newBuilder().setRequestId(s.rid()).setPlacementGroupSpec(
          PlacementGroupSpec.newBuilder().setPlacementGroupId(id("jobpg")).setCreatorJobId(job)
              .addBundles(Bundle.newBuilder().putUnitResources("CPU", 1))).build());
      s.pgs(ep).createPlacementGroup(pg(s, "keep", PlacementStrategy.PACK, 1, 1).toBuilder().setPlacementGroupSpec(
          pg(s, "keep", PlacementStrategy.PACK, 1, 1).getPlacementGroupSpec().toBuilder().setCreatorJobId(job)).build());
      awaitPg(s, ep, "jobpg", PlacementGroupState.CREATED);
      ByteString fn = id("RemoteFunction:" + jobHex + ":f1");
      s.kv(ep).internalKVPut(InternalKVPutRequest.newBuilder().setRequestId(s.rid()).setNamespace("fun").setKey(fn)
          .setValue(id("pickled")).build());

      s.jobs(ep).markJobFinished(MarkJobFinishedRequest.newBuilder().setRequestId(s.rid()).setJobId(job).build());
      s.jobs(ep).markJobFinished(MarkJobFinishedRequest.newBuilder().setRequestId(s.rid()).setJobId(job).build());
      ActorTableData plain = s.actors(ep).getActorInfo(GetActorInfoRequest.newBuilder().setActorId(id("plain")).build())
          .getActorTableData();
      assertEquals(ActorState.DEAD, plain.getState());
      assertEquals(ActorDeathCause.Kind.OWNER_DIED, plain.getDeathCause().getKind());
      assertEquals("the job finished", plain.getDeathCause().getMessage());
      assertTrue(s.actors(ep).getActorInfo(GetActorInfoRequest.newBuilder().setActorId(id("detached")).build())
          .getActorTableData().getState() != ActorState.DEAD, "a detached actor outlives its job");
      assertEquals(PlacementGroupState.REMOVED, getPg(s, ep, "jobpg").getState());
      assertEquals(PlacementGroupState.CREATED, getPg(s, ep, "keep").getState(), "a detached group outlives its job");
      var jobs = s.jobs(ep).getAllJobInfo(GetAllJobInfoRequest.newBuilder().setJobOrSubmissionId("raysubmit_1").build());
      assertEquals(1, jobs.getJobInfoListCount());
      assertTrue(jobs.getJobInfoList(0).getIsDead());
      assertTrue(jobs.getJobInfoList(0).getEndTimeMs() >= jobs.getJobInfoList(0).getStartTimeMs());
      assertEquals(0, s.jobs(ep).getAllJobInfo(GetAllJobInfoRequest.newBuilder().setLimit(0).build()).getJobInfoListCount());
      assertTrue(s.kv(ep).internalKVExists(InternalKVExistsRequest.newBuilder().setNamespace("fun").setKey(fn).build())
          .getExists(), "exports stay while a detached actor of the job lives");
      s.actors(ep).killActorViaGcs(KillActorViaGcsRequest.newBuilder().setRequestId(s.rid()).setActorId(id("detached"))
          .setNoRestart(true).build());
      assertFalse(s.kv(ep).internalKVExists(InternalKVExistsRequest.newBuilder().setNamespace("fun").setKey(fn).build())
          .getExists(), "the last detached actor gone: the job's exports are deleted");
      // Without overwrite a put writes only a row that does not exist: the deleted export must count as gone
      // (the replicas cache create revisions, and this delete went through the job's cascade, not a KV call).
      assertTrue(s.kv(ep).internalKVPut(InternalKVPutRequest.newBuilder().setRequestId(s.rid()).setNamespace("fun")
          .setKey(fn).setValue(id("again")).build()).getAdded(), "the deleted export is added anew");
      c.awaitConverged(Duration.ofSeconds(10));
    }
  }

  @Test
  void packReschedulesOnlyTheLostBundles() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir); Stubs s = new Stubs()) {
      String ep = c.endpoint(c.leader());
      registerNode(s, ep, "n1", 2);
      registerNode(s, ep, "n2", 2);
      CompletableFuture<PlacementGroupTableData> ready = new CompletableFuture<>();
      s.pgs(ep).createPlacementGroup(pg(s, "pack", PlacementStrategy.PACK, 4, 1));
      CompletableFuture.runAsync(() -> ready.complete(s.pgs(ep).waitPlacementGroupUntilReady(
          WaitPlacementGroupUntilReadyRequest.newBuilder().setPlacementGroupId(id("pack")).build())
          .getPlacementGroupTableData()));
      PlacementGroupTableData created = ready.get(20, TimeUnit.SECONDS);
      assertEquals(PlacementGroupState.CREATED, created.getState());
      List<String> before = nodesOf(created);
      assertEquals(2, before.stream().filter("n1"::equals).count());
      assertEquals(2, before.stream().filter("n2"::equals).count());
      assertEquals(2, s.pgs(ep).getNodeBundles(GetNodeBundlesRequest.newBuilder().setNodeId(nodeId("n1")).build())
          .getBundlesCount());

      killNode(s, ep, "n1");
      PlacementGroupTableData resched = awaitPg(s, ep, "pack", PlacementGroupState.RESCHEDULING);
      registerNode(s, ep, "n3", 4);
      PlacementGroupTableData after = awaitPg(s, ep, "pack", PlacementGroupState.CREATED);
      List<String> now = nodesOf(after);
      for (int i = 0; i < 4; i++) {
        if (before.get(i).equals("n1")) {
          assertTrue(resched.getBundles(i).getNodeId().isEmpty());
          assertEquals("n3", now.get(i), "lost bundle " + i + " moved");
        } else {
          assertEquals(before.get(i), now.get(i), "bundle " + i + " did not move");
        }
      }
      // Removal releases every bundle: the freed capacity takes a new 4-CPU STRICT_PACK group on n3... and n2.
      s.pgs(ep).removePlacementGroup(RemovePlacementGroupRequest.newBuilder().setRequestId(s.rid())
          .setPlacementGroupId(id("pack")).build());
      s.pgs(ep).removePlacementGroup(RemovePlacementGroupRequest.newBuilder().setRequestId(s.rid())
          .setPlacementGroupId(id("pack")).build());
      assertEquals(0, s.pgs(ep).getNodeBundles(GetNodeBundlesRequest.newBuilder().setNodeId(nodeId("n3")).build())
          .getBundlesCount());
      s.pgs(ep).createPlacementGroup(pg(s, "sp", PlacementStrategy.STRICT_PACK, 4, 1));
      assertEquals(List.of("n3", "n3", "n3", "n3"), nodesOf(awaitPg(s, ep, "sp", PlacementGroupState.CREATED)));
      StatusRuntimeException removed = assertThrows(StatusRuntimeException.class, () -> s.pgs(ep)
          .waitPlacementGroupUntilReady(WaitPlacementGroupUntilReadyRequest.newBuilder()
              .setPlacementGroupId(id("pack")).build()));
      assertEquals(Status.Code.NOT_FOUND, removed.getStatus().getCode());
      c.awaitConverged(Duration.ofSeconds(10));
    }
  }

  @Test
  void strictSpreadWaitsForEnoughNodesAndStrictPackUsesOneNode() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir); Stubs s = new Stubs()) {
      String ep = c.endpoint(c.leader());
      registerNode(s, ep, "a", 4);
      registerNode(s, ep, "b", 4);
      s.pgs(ep).createPlacementGroup(pg(s, "ss", PlacementStrategy.STRICT_SPREAD, 3, 1));
      s.pgs(ep).createPlacementGroup(pg(s, "pk", PlacementStrategy.STRICT_PACK, 3, 1));
      assertEquals(1, new HashSet<>(nodesOf(awaitPg(s, ep, "pk", PlacementGroupState.CREATED))).size());
      Thread.sleep(700);
      assertEquals(PlacementGroupState.PENDING, getPg(s, ep, "ss").getState(), "3 bundles cannot spread over 2 nodes");
      registerNode(s, ep, "c", 4);
      List<String> spread = nodesOf(awaitPg(s, ep, "ss", PlacementGroupState.CREATED));
      assertEquals(3, new HashSet<>(spread).size(), "STRICT_SPREAD: one bundle per node " + spread);
      c.awaitConverged(Duration.ofSeconds(10));
    }
  }

  @Test
  void badInputIsInvalidArgumentNamingTheFieldAndWritesNothing() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir); Stubs s = new Stubs()) {
      String ep = c.endpoint(c.leader());
      registerNode(s, ep, "n1", 4);
      String digest = c.awaitConverged(Duration.ofSeconds(10));
      CreatePlacementGroupRequest good = pg(s, "g", PlacementStrategy.PACK, 2, 1);
      List<Object[]> cases = List.of(
          new Object[] {good.toBuilder().setPlacementGroupSpec(good.getPlacementGroupSpec().toBuilder().clearBundles())
              .build(), "placement_group_spec.bundles"},
          new Object[] {good.toBuilder().setPlacementGroupSpec(good.getPlacementGroupSpec().toBuilder().setBundles(1,
              Bundle.newBuilder().putUnitResources("CPU", -1))).build(), "placement_group_spec.bundles[1].unit_resources"},
          new Object[] {good.toBuilder().setPlacementGroupSpec(good.getPlacementGroupSpec().toBuilder()
              .setStrategyValue(42)).build(), "placement_group_spec.strategy"},
          new Object[] {good.toBuilder().setPlacementGroupSpec(good.getPlacementGroupSpec().toBuilder()
              .clearPlacementGroupId()).build(), "placement_group_spec.placement_group_id"});
      for (Object[] tc : cases) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> s.pgs(ep).createPlacementGroup((CreatePlacementGroupRequest) tc[0]));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith((String) tc[1]), e.getStatus().getDescription());
      }
      StatusRuntimeException badJob = assertThrows(StatusRuntimeException.class, () -> s.jobs(ep).addJob(
          AddJobRequest.newBuilder().setRequestId(s.rid()).setData(JobTableData.newBuilder().setJobId(id("toolong")))
              .build()));
      assertTrue(badJob.getStatus().getDescription().startsWith("data.job_id"));
      StatusRuntimeException badLimit = assertThrows(StatusRuntimeException.class, () -> s.jobs(ep).getAllJobInfo(
          GetAllJobInfoRequest.newBuilder().setLimit(-1).build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, badLimit.getStatus().getCode());
      assertEquals(digest, c.awaitConverged(Duration.ofSeconds(10)), "rejected input changed nothing");
    }
  }
}
