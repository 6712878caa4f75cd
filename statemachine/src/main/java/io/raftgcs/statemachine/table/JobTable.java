package io.raftgcs.statemachine.table;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.AddJobRequest;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.EventKind;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.GetNextJobIDReply;
import io.raftgcs.proto.InternalKVDelRequest;
import io.raftgcs.proto.JobTableData;
import io.raftgcs.proto.MarkJobFinishedRequest;
import io.raftgcs.proto.ResultCode;
import io.raftgcs.statemachine.apply.Txn;
import io.raftgcs.statemachine.store.Cf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The job table (Ray's JobTableData) and the job-id counter. Rows live under {@code 0x01 job_id}; the
 * counter (the last id handed out, 4 bytes big-endian) under the single key {@code 0x00}, in the same
 * column family, so it is replicated, snapshotted and part of the digest: ids never repeat across
 * failovers or restarts. AddJob of an id above the counter raises the counter, so GetNextJobID never
 * hands out an id that was registered by hand.
 *
 * <p>A finished job (MarkJobFinished, or the death of its driver's node) kills its non-detached actors,
 * marks the placement groups it created, and — once no detached actor of it is left — deletes its exported
 * functions from KV namespace {@code fun} (Ray's GcsFunctionManager). Published on the JOB channel.
 *
 * <p>Replicated rows; no in-memory index. Apply thread only.
 */
public final class JobTable implements NodeTable.DeathListener, ActorTable.DeathListener {
  static final byte[] COUNTER_KEY = {0x00};
  static final byte ROW_PREFIX = 0x01;
  public static final int JOB_ID_BYTES = 4;
  /** Ray's prefixes for a job's exports in KV namespace "fun" (followed by the job id hex and ':'). */
  static final List<String> EXPORT_PREFIXES = List.of("RemoteFunction:", "ActorClass:", "FunctionsToRun:");
  public static final String FUN_NAMESPACE = "fun";

  private final ActorTable actors;
  private final PlacementGroupTable groups;
  private final KvCreateRevisions kvRevisions;

  public JobTable(ActorTable actors, PlacementGroupTable groups, KvCreateRevisions kvRevisions) {
    this.actors = actors;
    this.groups = groups;
    this.kvRevisions = kvRevisions;
  }

  static byte[] rowKey(ByteString jobId) {
    byte[] out = new byte[1 + jobId.size()];
    out[0] = ROW_PREFIX;
    jobId.copyTo(out, 1);
    return out;
  }

  public static ByteString jobId(int value) {
    return ByteString.copyFrom(ByteBuffer.allocate(JOB_ID_BYTES).putInt(value).array());
  }

  public static Optional<JobTableData> get(Txn txn, ByteString jobId) {
    byte[] v = txn.get(Cf.JOBS, rowKey(jobId));
    return v == null ? Optional.empty() : Optional.of(Rows.parse(JobTableData.parser(), v));
  }

  private static int counter(Txn txn) {
    byte[] v = txn.get(Cf.JOBS, COUNTER_KEY);
    return v == null ? 0 : ByteBuffer.wrap(v).getInt();
  }

  private static void setCounter(Txn txn, int last) {
    txn.put(Cf.JOBS, COUNTER_KEY, ByteBuffer.allocate(4).putInt(last).array());
  }

  public Outcome<GetNextJobIDReply> nextJobId(Txn txn) {
    int last = counter(txn);
    if (last == Integer.MAX_VALUE) {
      return Outcome.fail(ResultCode.RESOURCE_EXHAUSTED, "job ids are exhausted");
    }
    int next = last + 1;
    setCounter(txn, next);
    return Outcome.ok(GetNextJobIDReply.newBuilder().setJobId(next).setJobIdBytes(jobId(next)).build());
  }

  /** Registers a driver. A retry (same id, still alive) is a no-op; a finished job cannot come back. */
  public Outcome<Void> add(Txn txn, AddJobRequest req) {
    JobTableData in = req.getData();
    Optional<JobTableData> old = get(txn, in.getJobId());
    if (old.isPresent()) {
      return old.get().getIsDead()
          ? Outcome.fail(ResultCode.FAILED_PRECONDITION, "job " + hex(in.getJobId()) + " has already finished")
          : Outcome.ok(null);
    }
    int value = ByteBuffer.wrap(in.getJobId().toByteArray()).getInt();
    if (value > counter(txn)) {
      setCounter(txn, value);
    }
    write(txn, in.toBuilder().setIsDead(false).setStartTimeMs(txn.leaderTimeMs()).setEndTimeMs(0)
        .setCreateRevision(txn.revision()).setModRevision(txn.revision()).build());
    return Outcome.ok(null);
  }

  /** Idempotent: finishing a finished job is OK and changes nothing. */
  public Outcome<Void> markFinished(Txn txn, MarkJobFinishedRequest req) {
    Optional<JobTableData> j = get(txn, req.getJobId());
    if (j.isEmpty()) {
      return Outcome.fail(ResultCode.NOT_FOUND, "job " + hex(req.getJobId()) + " is not known");
    }
    finish(txn, j.get());
    return Outcome.ok(null);
  }

  private void finish(Txn txn, JobTableData job) {
    if (job.getIsDead()) {
      return;
    }
    write(txn, job.toBuilder().setIsDead(true).setEndTimeMs(txn.leaderTimeMs()).setModRevision(txn.revision()).build());
    actors.jobFinished(txn, job.getJobId());
    groups.creatorJobDied(txn, job.getJobId());
    if (!ActorTable.hasLiveDetached(txn, job.getJobId())) {
      removeExports(txn, job.getJobId());
    }
  }

  /** The driver's node died: every live job whose driver ran there finishes (Ray's OnNodeDead). */
  @Override
  public void onNodeDead(Txn txn, GcsNodeInfo node) {
    for (JobTableData j : scan(txn)) {
      if (!j.getIsDead() && j.getDriverAddress().getNodeId().equals(node.getNodeId())) {
        finish(txn, j);
      }
    }
  }

  /** The last detached actor of a finished job died: its exports go too (Ray's per-job reference count). */
  @Override
  public void onActorDead(Txn txn, ActorTableData dead) {
    if (!dead.getIsDetached() || dead.getJobId().isEmpty()) {
      return;
    }
    Optional<JobTableData> j = get(txn, dead.getJobId());
    if (j.isPresent() && j.get().getIsDead() && !ActorTable.hasLiveDetached(txn, dead.getJobId())) {
      removeExports(txn, dead.getJobId());
    }
  }

  private void removeExports(Txn txn, ByteString jobId) {
    String jobHex = hex(jobId);
    for (String p : EXPORT_PREFIXES) {
      KvTable.del(txn, kvRevisions, InternalKVDelRequest.newBuilder().setNamespace(FUN_NAMESPACE)
          .setKey(ByteString.copyFrom((p + jobHex + ":").getBytes(StandardCharsets.UTF_8))).setDelByPrefix(true).build());
    }
  }

  private static List<JobTableData> scan(Txn txn) {
    List<JobTableData> out = new ArrayList<>();
    txn.scanPrefix(Cf.JOBS, new byte[] {ROW_PREFIX}, (k, v) -> out.add(Rows.parse(JobTableData.parser(), v)));
    return out;
  }

  private static void write(Txn txn, JobTableData row) {
    byte[] bytes = row.toByteArray();
    txn.put(Cf.JOBS, rowKey(row.getJobId()), bytes);
    txn.emit(Channel.JOB, "", row.getJobId().toByteArray(), EventKind.PUT, bytes);
  }

  static String hex(ByteString id) {
    return HexFormat.of().formatHex(id.toByteArray());
  }
}
