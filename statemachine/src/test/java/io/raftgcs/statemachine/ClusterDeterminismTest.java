package io.raftgcs.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorPlacement;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.proto.AddJobRequest;
import io.raftgcs.proto.Address;
import io.raftgcs.proto.Bundle;
import io.raftgcs.proto.BundlePlacement;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.CommandHeader;
import io.raftgcs.proto.CreateActorRequest;
import io.raftgcs.proto.CreatePlacementGroupRequest;
import io.raftgcs.proto.DrainNodeRequest;
import io.raftgcs.proto.ExpireRuntimeEnvPins;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.JobTableData;
import io.raftgcs.proto.KillActorViaGcsRequest;
import io.raftgcs.proto.LogEntryPayload;
import io.raftgcs.proto.MarkJobFinishedRequest;
import io.raftgcs.proto.MarkNodeDead;
import io.raftgcs.proto.NodeState;
import io.raftgcs.proto.PinRuntimeEnvURIRequest;
import io.raftgcs.proto.PlaceActors;
import io.raftgcs.proto.PlacePlacementGroups;
import io.raftgcs.proto.PlacementGroupPlacement;
import io.raftgcs.proto.PlacementGroupSpec;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementGroupTableData.PlacementGroupState;
import io.raftgcs.proto.PlacementStrategy;
import io.raftgcs.proto.RegisterActorRequest;
import io.raftgcs.proto.RegisterNodeRequest;
import io.raftgcs.proto.RemovePlacementGroupRequest;
import io.raftgcs.proto.ReportActorStartedRequest;
import io.raftgcs.proto.ReportWorkerFailureRequest;
import io.raftgcs.proto.SchedulingStrategy;
import io.raftgcs.proto.UnplaceActor;
import io.raftgcs.proto.UnregisterNodeRequest;
import io.raftgcs.proto.WorkerExitType;
import io.raftgcs.proto.WorkerTableData;
import io.raftgcs.statemachine.apply.CommandApplier;
import io.raftgcs.statemachine.store.Cf;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * Determinism of the cluster tables: a seeded random log mixing node register/unregister/drain/death, actor
 * register/create/place (also into placement-group bundles)/started/kill/worker failure/unplace, job add/finish,
 * placement group create/place/remove and runtime-env pins/expiry. The log is generated against a shadow
 * replica (so placements carry real attempts and most decisions are valid, some deliberately stale), then two
 * fresh stores must agree with it at every entry, results and events included; a store closed and reopened
 * midway must too.
 */
class ClusterDeterminismTest {
  static final int ENTRIES = 1200;
  static final long SEED = 6_2024L;

  static List<LogEntryPayload> log;
  static List<String> refDigests;
  static List<CommandApplier.Applied> refApplied;

  @TempDir Path tmp;

  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static <T> List<T> rows(Fixture f, Cf cf, com.google.protobuf.Parser<T> p) {
    List<T> out = new ArrayList<>();
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = f.store.iterator(cf, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (cf == Cf.JOBS && it.key()[0] != 0x01) {
          continue;   // the job-id counter, not a row
        }
        out.add(Fixture.parse(it.value(), p));
      }
    }
    return out;
  }

  private static <T> T pick(Random r, List<T> xs) {
    return xs.isEmpty() ? null : xs.get(r.nextInt(xs.size()));
  }

  private static ByteString jobId(int j) {
    return ByteString.copyFrom(ByteBuffer.allocate(4).putInt(j).array());
  }

  static final class Coverage {
    int alive;
    int inBundle;
    int pgCreated;
    int pgRemoved;
    int deadNodes;
    int deadJobs;
    int pins;
  }

  static Coverage coverage = new Coverage();

  /** Generates the log against a shadow replica; records its digest after every entry. */
  static void generate(Path dir) throws Exception {
    Random r = new Random(SEED);
    log = new ArrayList<>();
    refDigests = new ArrayList<>();
    refApplied = new ArrayList<>();
    long time = 1_700_000_000_000L;
    int nextActor = 0;
    int nextPg = 0;
    long seq = 0;
    try (Fixture f = Fixture.open(dir)) {
      for (int e = 0; e < ENTRIES; e++) {
        time += 1 + r.nextInt(500);
        List<GcsNodeInfo> nodes = rows(f, Cf.NODES, GcsNodeInfo.parser());
        List<ByteString> alive = nodes.stream().filter(n -> n.getState() == NodeState.ALIVE)
            .map(GcsNodeInfo::getNodeId).toList();
        List<ActorTableData> actors = rows(f, Cf.ACTORS, ActorTableData.parser());
        List<PlacementGroupTableData> pgs = rows(f, Cf.PLACEMENT_GROUPS, PlacementGroupTableData.parser());
        LogEntryPayload.Builder entry = LogEntryPayload.newBuilder();
        int n = 1 + r.nextInt(3);
        for (int c = 0; c < n; c++) {
          Command.Builder cmd = Command.newBuilder();
          int dice = r.nextInt(100);
          if (dice < 8) {
            cmd.setRegisterNode(RegisterNodeRequest.newBuilder().setNodeInfo(GcsNodeInfo.newBuilder()
                .setNodeId(bs("n" + r.nextInt(8))).putResourcesTotal("CPU", 2 + r.nextInt(7))
                .putResourcesTotal("GPU", r.nextInt(2))));
          } else if (dice < 10 && !alive.isEmpty() && r.nextInt(3) == 0) {
            cmd.setUnregisterNode(UnregisterNodeRequest.newBuilder().setNodeId(pick(r, alive)));
          } else if (dice < 11 && !alive.isEmpty() && r.nextInt(3) == 0) {
            cmd.setMarkNodeDead(MarkNodeDead.newBuilder().setNodeId(pick(r, alive)));
          } else if (dice < 12 && !alive.isEmpty()) {
            cmd.setDrainNode(DrainNodeRequest.newBuilder().setNodeId(pick(r, alive)).setDeadlineMs(time + 1000));
          } else if (dice < 16) {
            int j = 1 + r.nextInt(5);
            cmd.setAddJob(AddJobRequest.newBuilder().setData(JobTableData.newBuilder().setJobId(jobId(j))
                .setDriverAddress(Address.newBuilder().setNodeId(bs("n" + r.nextInt(8))).setWorkerId(bs("drv" + j)))));
          } else if (dice < 18 && r.nextInt(4) == 0) {
            cmd.setMarkJobFinished(MarkJobFinishedRequest.newBuilder().setJobId(jobId(1 + r.nextInt(5))));
          } else if (dice < 32) {
            String id = "a" + nextActor++;
            SchedulingStrategy.Builder st = SchedulingStrategy.newBuilder();
            int k = r.nextInt(10);
            if (k < 6 && nextPg > 0) {
              st.setKind(SchedulingStrategy.Kind.PLACEMENT_GROUP).setPlacementGroupId(bs("g" + r.nextInt(nextPg)))
                  .setBundleIndex(r.nextInt(4) - 1);
            } else if (k < 7) {
              st.setKind(SchedulingStrategy.Kind.SPREAD);
            }
            cmd.setRegisterActor(RegisterActorRequest.newBuilder().setSpec(ActorTableData.newBuilder()
                .setActorId(bs(id)).setJobId(jobId(1 + r.nextInt(5))).setIsDetached(r.nextInt(4) == 0)
                .putRequiredResources("CPU", 0.5 * (1 + r.nextInt(3))).setMaxRestarts(r.nextInt(4) - 1)
                .setSchedulingStrategy(st).setOwnerAddress(Address.newBuilder().setWorkerId(bs("drv" + (1 + r.nextInt(5))))
                    .setNodeId(bs("n" + r.nextInt(8))))));
            entry.addCommands(cmd.setHeader(CommandHeader.newBuilder().setLeaderTimeMs(time)));
            cmd = Command.newBuilder().setCreateActor(CreateActorRequest.newBuilder().setActorId(bs(id)));
          } else if (dice < 48 && !actors.isEmpty()) {
            PlaceActors.Builder p = PlaceActors.newBuilder();
            for (ActorTableData a : actors) {
              boolean waiting = (a.getState() == ActorState.PENDING_CREATION || a.getState() == ActorState.RESTARTING)
                  && a.getNodeId().isEmpty();
              if (!waiting || r.nextInt(3) == 0 || alive.isEmpty()) {
                continue;
              }
              ActorPlacement.Builder ap = ActorPlacement.newBuilder().setActorId(a.getActorId())
                  .setExpectedAttempt(a.getPlacementAttempt() - (r.nextInt(10) == 0 ? 1 : 0));
              PlacementGroupTableData g = a.getSchedulingStrategy().getKind() == SchedulingStrategy.Kind.PLACEMENT_GROUP
                  ? pgs.stream().filter(x -> x.getPlacementGroupId().equals(a.getSchedulingStrategy()
                      .getPlacementGroupId())).findFirst().orElse(null) : null;
              if (g != null && r.nextInt(5) != 0) {
                Bundle b = g.getBundles(r.nextInt(g.getBundlesCount()));
                ap.setBundleIndex(b.getBundleIndex()).setNodeId(b.getNodeId().isEmpty() ? pick(r, alive) : b.getNodeId());
              } else {
                ap.setNodeId(pick(r, alive)).setBundleIndex(r.nextInt(3) - 1);
              }
              p.addPlacements(ap);
            }
            if (r.nextInt(8) == 0) {
              p.addUnschedulable(pick(r, actors).getActorId());
            }
            cmd.setPlaceActors(p);
          } else if (dice < 60 && !actors.isEmpty()) {
            List<ActorTableData> placed = actors.stream().filter(a -> !a.getNodeId().isEmpty()
                && a.getState() != ActorState.ALIVE).toList();
            ActorTableData a = pick(r, placed);
            if (a == null) {
              continue;
            }
            if (r.nextInt(6) == 0) {
              cmd.setUnplaceActor(UnplaceActor.newBuilder().setActorId(a.getActorId()).setAttempt(a.getPlacementAttempt()));
            } else {
              cmd.setReportActorStarted(ReportActorStartedRequest.newBuilder().setActorId(a.getActorId())
                  .setAttempt(a.getPlacementAttempt()).setPid(100 + r.nextInt(100)).setAddress(Address.newBuilder()
                      .setWorkerId(bs("w-" + a.getActorId().toStringUtf8() + "-" + a.getPlacementAttempt()))));
            }
          } else if (dice < 64 && !actors.isEmpty()) {
            cmd.setKillActor(KillActorViaGcsRequest.newBuilder().setActorId(pick(r, actors).getActorId())
                .setNoRestart(r.nextBoolean()));
          } else if (dice < 68) {
            ActorTableData a = pick(r, actors.stream().filter(x -> x.getState() == ActorState.ALIVE).toList());
            if (a == null) {
              continue;
            }
            cmd.setReportWorkerFailure(ReportWorkerFailureRequest.newBuilder().setWorkerFailure(WorkerTableData
                .newBuilder().setWorkerAddress(a.getAddress()).setExitType(WorkerExitType.forNumber(r.nextInt(5)))));
          } else if (dice < 76) {
            PlacementGroupSpec.Builder spec = PlacementGroupSpec.newBuilder().setPlacementGroupId(bs("g" + nextPg++))
                .setStrategy(PlacementStrategy.forNumber(r.nextInt(4))).setIsDetached(r.nextInt(3) != 0)
                .setCreatorJobId(jobId(1 + r.nextInt(5)));
            int bundles = 1 + r.nextInt(3);
            for (int i = 0; i < bundles; i++) {
              spec.addBundles(Bundle.newBuilder().putUnitResources("CPU", 1 + r.nextInt(2)));
            }
            cmd.setCreatePlacementGroup(CreatePlacementGroupRequest.newBuilder().setPlacementGroupSpec(spec));
          } else if (dice < 88 && !pgs.isEmpty() && !alive.isEmpty()) {
            PlacePlacementGroups.Builder p = PlacePlacementGroups.newBuilder();
            for (PlacementGroupTableData g : pgs) {
              if (g.getState() != PlacementGroupState.PENDING && g.getState() != PlacementGroupState.RESCHEDULING
                  || r.nextInt(2) == 0) {
                continue;
              }
              PlacementGroupPlacement.Builder gp = PlacementGroupPlacement.newBuilder()
                  .setPlacementGroupId(g.getPlacementGroupId());
              for (Bundle b : g.getBundlesList()) {
                if (b.getNodeId().isEmpty()) {
                  gp.addBundles(BundlePlacement.newBuilder().setBundleIndex(b.getBundleIndex()).setNodeId(pick(r, alive)));
                }
              }
              p.addPlacements(gp);
            }
            cmd.setPlacePlacementGroups(p);
          } else if (dice < 91 && !pgs.isEmpty() && r.nextInt(3) == 0) {
            cmd.setRemovePlacementGroup(RemovePlacementGroupRequest.newBuilder()
                .setPlacementGroupId(pick(r, pgs).getPlacementGroupId()));
          } else if (dice < 96) {
            cmd.setPinRuntimeEnvUri(PinRuntimeEnvURIRequest.newBuilder().setUri("gcs://env" + r.nextInt(6) + ".zip")
                .setExpirationS(r.nextInt(5)));
          } else {
            cmd.setExpireRuntimeEnvPins(ExpireRuntimeEnvPins.newBuilder().setNowMs(time - r.nextInt(3000)));
          }
          CommandHeader.Builder h = CommandHeader.newBuilder().setLeaderTimeMs(time);
          if (r.nextInt(3) == 0) {
            h.setRequestId(Fixture.rid(1 + r.nextInt(2), ++seq));
          }
          entry.addCommands(cmd.setHeader(h));
        }
        LogEntryPayload payload = entry.build();
        log.add(payload);
        refApplied.add(f.applier.apply(f.store, Fixture.TERM, e + 1, payload));
        refDigests.add(f.digest().hex());
        observe(f);
      }
    }
  }

  private static void observe(Fixture f) {
    List<ActorTableData> actors = rows(f, Cf.ACTORS, ActorTableData.parser());
    coverage.alive += (int) actors.stream().filter(a -> a.getState() == ActorState.ALIVE).count();
    coverage.inBundle += f.count(Cf.BUNDLE_USAGE);
    List<PlacementGroupTableData> pgs = rows(f, Cf.PLACEMENT_GROUPS, PlacementGroupTableData.parser());
    coverage.pgCreated += (int) pgs.stream().filter(g -> g.getState() == PlacementGroupState.CREATED).count();
    coverage.pgRemoved += (int) pgs.stream().filter(g -> g.getState() == PlacementGroupState.REMOVED).count();
    coverage.deadNodes += (int) rows(f, Cf.NODES, GcsNodeInfo.parser()).stream()
        .filter(x -> x.getState() == NodeState.DEAD).count();
    coverage.deadJobs += (int) rows(f, Cf.JOBS, JobTableData.parser()).stream().filter(JobTableData::getIsDead).count();
    coverage.pins += f.count(Cf.RUNTIME_ENV_PINS);
  }

  @BeforeAll
  static void reference(@TempDir Path dir) throws Exception {
    generate(dir.resolve("gen"));
    assertTrue(coverage.alive > 0 && coverage.inBundle > 0 && coverage.pgCreated > 0 && coverage.pgRemoved > 0
        && coverage.deadNodes > 0 && coverage.deadJobs > 0 && coverage.pins > 0,
        "the log exercises every table: alive=" + coverage.alive + " inBundle=" + coverage.inBundle + " pgCreated="
            + coverage.pgCreated + " pgRemoved=" + coverage.pgRemoved + " deadNodes=" + coverage.deadNodes
            + " deadJobs=" + coverage.deadJobs + " pins=" + coverage.pins);
  }

  @Test
  void twoFreshStoresAgreeWithTheGeneratorAtEveryEntry() throws Exception {
    try (Fixture a = Fixture.open(tmp.resolve("a")); Fixture b = Fixture.open(tmp.resolve("b"))) {
      for (int i = 0; i < ENTRIES; i++) {
        CommandApplier.Applied ra = a.applier.apply(a.store, Fixture.TERM, i + 1, log.get(i));
        CommandApplier.Applied rb = b.applier.apply(b.store, Fixture.TERM, i + 1, log.get(i));
        assertEquals(refDigests.get(i), a.digest().hex(), "entry " + (i + 1));
        assertEquals(refDigests.get(i), b.digest().hex(), "entry " + (i + 1));
        assertEquals(refApplied.get(i), ra, "entry " + (i + 1) + " results and events");
        assertEquals(refApplied.get(i), rb, "entry " + (i + 1) + " results and events");
      }
    }
  }

  @Test
  void reopeningMidwayChangesNothing() throws Exception {
    try (Fixture f = Fixture.open(tmp.resolve("c"))) {
      for (int i = 0; i < ENTRIES; i++) {
        if (i == 400 || i == 911) {
          f.reopen(true);
          assertEquals(refDigests.get(i - 1), f.digest().hex(), "after reopen at " + i);
        }
        assertEquals(refApplied.get(i), f.applier.apply(f.store, Fixture.TERM, i + 1, log.get(i)), "entry " + (i + 1));
        assertEquals(refDigests.get(i), f.digest().hex(), "entry " + (i + 1));
      }
    }
  }
}
