package io.raftgcs.statemachine;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorFilters;
import io.raftgcs.proto.ActorPlacement;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.AddJobRequest;
import io.raftgcs.proto.Address;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.CommandHeader;
import io.raftgcs.proto.CreateActorRequest;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.GetAllActorInfoReply;
import io.raftgcs.proto.GetAllActorInfoRequest;
import io.raftgcs.proto.GetNodeAssignmentsReply;
import io.raftgcs.proto.GetNodeAssignmentsRequest;
import io.raftgcs.proto.JobTableData;
import io.raftgcs.proto.KillActorViaGcsRequest;
import io.raftgcs.proto.MarkJobFinishedRequest;
import io.raftgcs.proto.MarkNodeDead;
import io.raftgcs.proto.PlaceActors;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.RegisterActorRequest;
import io.raftgcs.proto.RegisterNodeRequest;
import io.raftgcs.proto.ReportActorOutOfScopeRequest;
import io.raftgcs.proto.ReportActorStartedRequest;
import io.raftgcs.proto.ReportWorkerFailureRequest;
import io.raftgcs.proto.RestartActorForLineageReconstructionRequest;
import io.raftgcs.proto.WorkerExitType;
import io.raftgcs.proto.WorkerTableData;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * Actor-table commands and reads shared by the state-machine tests, and the reference answer of
 * {@code GetAllActorInfo}: a full scan of the actors family with the filters applied row by row (what the
 * reader did before the index). Each command carries {@code maxDead} in its header (-1: unset).
 */
final class ActorCommands {
  private final int maxDead;
  long timeMs = 1_700_000_000_000L;

  ActorCommands(int maxDead) {
    this.maxDead = maxDead;
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private Command.Builder cmd() {
    CommandHeader.Builder h = CommandHeader.newBuilder().setLeaderTimeMs(++timeMs);
    if (maxDead >= 0) {
      h.setMaxDeadActors(maxDead);
    }
    return Command.newBuilder().setHeader(h);
  }

  Command node(ByteString id) {
    return cmd().setRegisterNode(RegisterNodeRequest.newBuilder().setNodeInfo(GcsNodeInfo.newBuilder().setNodeId(id)
        .putResourcesTotal("CPU", 1_000_000))).build();
  }

  Command nodeDead(ByteString id) {
    return cmd().setMarkNodeDead(MarkNodeDead.newBuilder().setNodeId(id)).build();
  }

  Command register(ByteString id, ByteString job, String name, boolean detached, int maxRestarts) {
    return cmd().setRegisterActor(RegisterActorRequest.newBuilder().setSpec(ActorTableData.newBuilder()
        .setActorId(id).setJobId(job).setName(name).setRayNamespace("ns").setIsDetached(detached)
        .setMaxRestarts(maxRestarts).putRequiredResources("CPU", 1)
        .setOwnerAddress(Address.newBuilder().setWorkerId(bs("driver-" + job.toStringUtf8()))))).build();
  }

  Command register(ByteString id, ByteString job) {
    return register(id, job, "", false, 0);
  }

  Command create(ByteString id) {
    return cmd().setCreateActor(CreateActorRequest.newBuilder().setActorId(id)).build();
  }

  Command place(ByteString id, ByteString node, long attempt) {
    return cmd().setPlaceActors(PlaceActors.newBuilder().addPlacements(ActorPlacement.newBuilder().setActorId(id)
        .setNodeId(node).setExpectedAttempt(attempt))).build();
  }

  Command started(ByteString id, long attempt, ByteString worker) {
    return cmd().setReportActorStarted(ReportActorStartedRequest.newBuilder().setActorId(id).setAttempt(attempt)
        .setAddress(Address.newBuilder().setWorkerId(worker)).setPid(1)).build();
  }

  Command workerFailed(ByteString worker, WorkerExitType exit) {
    return cmd().setReportWorkerFailure(ReportWorkerFailureRequest.newBuilder().setWorkerFailure(WorkerTableData
        .newBuilder().setWorkerAddress(Address.newBuilder().setWorkerId(worker)).setExitType(exit))).build();
  }

  Command kill(ByteString id, boolean noRestart) {
    return cmd().setKillActor(KillActorViaGcsRequest.newBuilder().setActorId(id).setNoRestart(noRestart)).build();
  }

  Command outOfScope(ByteString id, long lineage) {
    return cmd().setReportActorOutOfScope(ReportActorOutOfScopeRequest.newBuilder().setActorId(id)
        .setNumRestartsDueToLineageReconstruction(lineage)).build();
  }

  Command restartForLineage(ByteString id, long lineage) {
    return cmd().setRestartActorForLineage(RestartActorForLineageReconstructionRequest.newBuilder().setActorId(id)
        .setNumRestartsDueToLineageReconstruction(lineage)).build();
  }

  Command addJob(ByteString job) {
    return cmd().setAddJob(AddJobRequest.newBuilder().setData(JobTableData.newBuilder().setJobId(job)
        .setDriverAddress(Address.newBuilder().setWorkerId(bs("driver-" + job.toStringUtf8()))))).build();
  }

  Command finishJob(ByteString job) {
    return cmd().setMarkJobFinished(MarkJobFinishedRequest.newBuilder().setJobId(job)).build();
  }

  // ---- reads ----

  static Query listQuery(ActorFilters f, long limit) {
    return Query.newBuilder().setGetAllActorInfo(GetAllActorInfoRequest.newBuilder().setFilters(f).setLimit(limit))
        .build();
  }

  static GetAllActorInfoReply list(Fixture f, ActorFilters filters, long limit) {
    return f.query(listQuery(filters, limit)).getGetAllActorInfo();
  }

  static GetNodeAssignmentsReply assignments(Fixture f, ByteString node) {
    return f.query(Query.newBuilder().setGetNodeAssignments(GetNodeAssignmentsRequest.newBuilder().setNodeId(node))
        .build()).getGetNodeAssignments();
  }

  static List<ActorTableData> rows(GcsStore store) {
    List<ActorTableData> out = new ArrayList<>();
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = store.iterator(Cf.ACTORS, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(Fixture.parse(it.value(), ActorTableData.parser()));
      }
    }
    return out;
  }

  static ActorTableData row(Fixture f, ByteString id) {
    byte[] v = f.store.get(Cf.ACTORS, id.toByteArray());
    return v == null ? null : Fixture.parse(v, ActorTableData.parser());
  }

  /** The reply a full scan gives: every row in key order, filters ANDed, limit applied, counts over all rows. */
  static GetAllActorInfoReply scan(GcsStore store, ActorFilters f, long limit) {
    return scan(rows(store), f, limit);
  }

  /** {@link #scan} over rows already read, in key order. */
  static GetAllActorInfoReply scan(List<ActorTableData> rows, ActorFilters f, long limit) {
    GetAllActorInfoReply.Builder b = GetAllActorInfoReply.newBuilder();
    long total = 0;
    long filtered = 0;
    for (ActorTableData a : rows) {
      total++;
      boolean match = (f.getActorId().isEmpty() || f.getActorId().equals(a.getActorId()))
          && (f.getJobId().isEmpty() || f.getJobId().equals(a.getJobId()))
          && (!f.getHasState() || f.getState() == a.getState())
          && (f.getName().isEmpty() || f.getName().equals(a.getName()))
          && (f.getNodeId().isEmpty() || f.getNodeId().equals(a.getNodeId()));
      if (!match) {
        filtered++;
      } else if (limit <= 0 || b.getActorTableDataCount() < limit) {
        b.addActorTableData(a);
      }
    }
    return b.setTotal(total).setNumFiltered(filtered).build();
  }

  /** GetNodeAssignments by a full scan. */
  static GetNodeAssignmentsReply scanAssignments(GcsStore store, ByteString node) {
    GetNodeAssignmentsReply.Builder b = GetNodeAssignmentsReply.newBuilder();
    for (ActorTableData a : rows(store)) {
      boolean pending = a.getState() == ActorTableData.ActorState.PENDING_CREATION
          || a.getState() == ActorTableData.ActorState.RESTARTING;
      if (pending && !a.getNodeId().isEmpty() && a.getNodeId().equals(node)) {
        b.addActors(a);
      }
    }
    return b.build();
  }
}
