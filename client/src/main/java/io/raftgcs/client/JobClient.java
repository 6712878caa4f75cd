package io.raftgcs.client;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.raftgcs.proto.AddJobRequest;
import io.raftgcs.proto.Address;
import io.raftgcs.proto.GetAllJobInfoRequest;
import io.raftgcs.proto.GetNextJobIDRequest;
import io.raftgcs.proto.JobConfig;
import io.raftgcs.proto.JobInfoGcsServiceGrpc;
import io.raftgcs.proto.JobInfoGcsServiceGrpc.JobInfoGcsServiceFutureStub;
import io.raftgcs.proto.JobTableData;
import io.raftgcs.proto.MarkJobFinishedRequest;
import io.raftgcs.proto.ReadOptions;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Ray's job table ({@code JobInfoGcsService}). Job ids are Ray's 4-byte big-endian JobIDs, drawn from
 * a replicated counter ({@link #nextJobId}) that never repeats, also across failovers and restarts.
 * A finished job kills its non-detached actors and removes its non-detached placement groups.
 */
public final class JobClient {
  /** Length of a job id in bytes (Ray's JobID). */
  public static final int ID_LENGTH = 4;

  private final GcsClient client;
  private final ReadConsistency consistency;

  JobClient(GcsClient client, ReadConsistency consistency) {
    this.client = client;
    this.consistency = consistency;
  }

  /** This view with reads served by any replica from its applied state. */
  public JobClient stale() {
    return new JobClient(client, ReadConsistency.STALE);
  }

  public JobClient linearizable() {
    return new JobClient(client, ReadConsistency.LINEARIZABLE);
  }

  /**
   * One page of {@code GetAllJobInfo}.
   *
   * @param jobs matching jobs in job-id order, up to the limit
   * @param total all matching jobs
   * @param revision the revision the answer reflects
   */
  public record JobList(List<JobTableData> jobs, long total, long revision) {}

  // ---- ids

  /** Ray's 4-byte big-endian form of a job id. */
  public static byte[] idBytes(int jobId) {
    return ByteBuffer.allocate(ID_LENGTH).putInt(jobId).array();
  }

  /** The integer value of a 4-byte job id. */
  public static int idValue(byte[] jobId) {
    if (jobId.length != ID_LENGTH) {
      throw new IllegalArgumentException("a job id has 4 bytes, got " + jobId.length);
    }
    return ByteBuffer.wrap(jobId).getInt();
  }

  /** Lowercase hex of the 4 big-endian bytes (job 1 is "00000001"), as the server matches it. */
  public static String hex(int jobId) {
    return HexFormat.of().formatHex(idBytes(jobId));
  }

  public static String hex(ByteString jobId) {
    return HexFormat.of().formatHex(jobId.toByteArray());
  }

  /** Parses a job id: 8 hex digits (the 4 bytes), or a decimal integer prefixed by '#'. */
  public static byte[] parse(String s) {
    String t = s.trim();
    if (t.startsWith("#")) {
      return idBytes(Integer.parseInt(t.substring(1)));
    }
    byte[] b = NodeIds.fromHex(t);
    if (b.length != ID_LENGTH) {
      throw new IllegalArgumentException("a job id is 8 hex digits (4 bytes), got '" + s + "'");
    }
    return b;
  }

  // ---- writes

  /** Draws the next job id (strictly increasing across the cluster's life). */
  public CompletableFuture<Integer> nextJobIdAsync() {
    GetNextJobIDRequest req = GetNextJobIDRequest.newBuilder()
        .setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("GetNextJobID"), ch -> stub(ch).getNextJobID(req))
        .thenApply(r -> r.getJobId());
  }

  public int nextJobId() {
    return Blocking.await(nextJobIdAsync());
  }

  /**
   * Adds the job (job_id, driver address and pid, config, entrypoint are taken from {@code data};
   * times and state are set by the leader). Returns the revision.
   */
  public CompletableFuture<Long> addJobAsync(JobTableData data) {
    AddJobRequest req = AddJobRequest.newBuilder().setData(data)
        .setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("AddJob"), ch -> stub(ch).addJob(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long addJob(JobTableData data) {
    return Blocking.await(addJobAsync(data));
  }

  /**
   * Convenience form of {@link #addJobAsync(JobTableData)}: a driver at {@code driverIp} with
   * {@code pid} on node {@code driverNodeId} (may be null), in {@code namespace}.
   */
  public CompletableFuture<Long> addJobAsync(int jobId, byte[] driverNodeId, String driverIp,
      long pid, String namespace, String entrypoint) {
    Address.Builder addr = Address.newBuilder().setIpAddress(driverIp == null ? "" : driverIp);
    if (driverNodeId != null) {
      addr.setNodeId(ByteString.copyFrom(driverNodeId));
    }
    JobTableData data = JobTableData.newBuilder().setJobId(ByteString.copyFrom(idBytes(jobId)))
        .setDriverAddress(addr).setDriverIpAddress(driverIp == null ? "" : driverIp)
        .setDriverPid(pid)
        .setConfig(JobConfig.newBuilder().setRayNamespace(namespace == null ? "" : namespace))
        .setEntrypoint(entrypoint == null ? "" : entrypoint).build();
    return addJobAsync(data);
  }

  public long addJob(int jobId, byte[] driverNodeId, String driverIp, long pid, String namespace,
      String entrypoint) {
    return Blocking.await(addJobAsync(jobId, driverNodeId, driverIp, pid, namespace, entrypoint));
  }

  /** Marks the job finished (idempotent); returns the revision. */
  public CompletableFuture<Long> markJobFinishedAsync(byte[] jobId) {
    MarkJobFinishedRequest req = MarkJobFinishedRequest.newBuilder()
        .setJobId(ByteString.copyFrom(jobId)).setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("MarkJobFinished"), ch -> stub(ch).markJobFinished(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long markJobFinished(byte[] jobId) {
    return Blocking.await(markJobFinishedAsync(jobId));
  }

  public long markJobFinished(int jobId) {
    return markJobFinished(idBytes(jobId));
  }

  // ---- reads

  /**
   * Jobs with Ray's limit rules ({@code limit} null: all; 0: none) and lookup ({@code
   * jobOrSubmissionId} null or empty: every job; else a hex job id or a {@code
   * job_submission_id} metadata value).
   */
  public CompletableFuture<JobList> getAllAsync(Long limit, String jobOrSubmissionId) {
    GetAllJobInfoRequest.Builder b = GetAllJobInfoRequest.newBuilder().setRead(readOptions())
        .setJobOrSubmissionId(jobOrSubmissionId == null ? "" : jobOrSubmissionId);
    if (limit != null) {
      b.setLimit(limit);
    }
    GetAllJobInfoRequest req = b.build();
    return client.executor()
        .execute(CallSpec.read("GetAllJobInfo", consistency, null),
            ch -> stub(ch).getAllJobInfo(req))
        .thenApply(r -> new JobList(List.copyOf(r.getJobInfoListList()), r.getTotal(),
            r.getHeader().getRevision()));
  }

  public JobList getAll(Long limit, String jobOrSubmissionId) {
    return Blocking.await(getAllAsync(limit, jobOrSubmissionId));
  }

  public JobList getAll() {
    return getAll(null, null);
  }

  /** One job by id, or empty. */
  public Optional<JobTableData> get(byte[] jobId) {
    String hex = HexFormat.of().formatHex(jobId);
    return getAll(null, hex).jobs().stream()
        .filter(j -> j.getJobId().equals(ByteString.copyFrom(jobId))).findFirst();
  }

  private ReadOptions readOptions() {
    return ReadOptions.newBuilder().setStale(consistency == ReadConsistency.STALE).build();
  }

  private static JobInfoGcsServiceFutureStub stub(Channel ch) {
    return JobInfoGcsServiceGrpc.newFutureStub(ch);
  }
}
