package io.raftgcs.client;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.raftgcs.proto.AddWorkerInfoRequest;
import io.raftgcs.proto.Address;
import io.raftgcs.proto.GetAllWorkerInfoRequest;
import io.raftgcs.proto.GetWorkerInfoRequest;
import io.raftgcs.proto.ReadOptions;
import io.raftgcs.proto.ReportWorkerFailureRequest;
import io.raftgcs.proto.WorkerExitType;
import io.raftgcs.proto.WorkerInfoGcsServiceGrpc;
import io.raftgcs.proto.WorkerInfoGcsServiceGrpc.WorkerInfoGcsServiceFutureStub;
import io.raftgcs.proto.WorkerTableData;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Ray's worker table ({@code WorkerInfoGcsService}). Worker ids are opaque bytes, shown as hex. */
public final class WorkerClient {
  private final GcsClient client;
  private final ReadConsistency consistency;

  WorkerClient(GcsClient client, ReadConsistency consistency) {
    this.client = client;
    this.consistency = consistency;
  }

  /** This view with reads served by any replica from its applied state. */
  public WorkerClient stale() {
    return new WorkerClient(client, ReadConsistency.STALE);
  }

  public WorkerClient linearizable() {
    return new WorkerClient(client, ReadConsistency.LINEARIZABLE);
  }

  /**
   * One page of {@code GetAllWorkerInfo}.
   *
   * @param workers matching workers, up to the limit
   * @param total all workers the table holds
   * @param numFiltered workers that did not match the alive filter
   * @param revision the revision the answer reflects
   */
  public record WorkerList(List<WorkerTableData> workers, long total, long numFiltered,
      long revision) {}

  /** Adds (or replaces) the worker's row; {@code worker_address.worker_id} is required. */
  public CompletableFuture<Long> addAsync(WorkerTableData data) {
    AddWorkerInfoRequest req = AddWorkerInfoRequest.newBuilder().setWorkerData(data)
        .setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("AddWorkerInfo"), ch -> stub(ch).addWorkerInfo(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long add(WorkerTableData data) {
    return Blocking.await(addAsync(data));
  }

  /** Reports the worker dead with this exit type and detail; returns the revision. */
  public CompletableFuture<Long> reportFailureAsync(byte[] workerId, WorkerExitType exitType,
      String detail) {
    WorkerTableData failure = WorkerTableData.newBuilder()
        .setWorkerAddress(Address.newBuilder().setWorkerId(bytes(workerId)))
        .setExitType(Objects.requireNonNull(exitType, "exitType"))
        .setExitDetail(detail == null ? "" : detail).build();
    return reportFailureAsync(failure);
  }

  /** With a full failure row (worker_address.worker_id, exit_type, exit_detail, ...). */
  public CompletableFuture<Long> reportFailureAsync(WorkerTableData failure) {
    ReportWorkerFailureRequest req = ReportWorkerFailureRequest.newBuilder()
        .setWorkerFailure(failure).setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("ReportWorkerFailure"), ch -> stub(ch).reportWorkerFailure(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long reportFailure(byte[] workerId, WorkerExitType exitType, String detail) {
    return Blocking.await(reportFailureAsync(workerId, exitType, detail));
  }

  /** The worker's row, or empty if unknown. */
  public CompletableFuture<Optional<WorkerTableData>> getAsync(byte[] workerId) {
    GetWorkerInfoRequest req = GetWorkerInfoRequest.newBuilder().setWorkerId(bytes(workerId))
        .setRead(readOptions()).build();
    return NotFound.asEmpty(client.executor()
        .execute(readSpec("GetWorkerInfo"), ch -> stub(ch).getWorkerInfo(req)),
        r -> r.hasWorkerTableData() ? Optional.of(r.getWorkerTableData()) : Optional.empty());
  }

  public Optional<WorkerTableData> get(byte[] workerId) {
    return Blocking.await(getAsync(workerId));
  }

  /**
   * Workers; {@code limit} 0: all. {@code alive} null: every worker; true/false: only alive/dead
   * ones.
   */
  public CompletableFuture<WorkerList> getAllAsync(long limit, Boolean alive) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
    GetAllWorkerInfoRequest.Builder b = GetAllWorkerInfoRequest.newBuilder().setLimit(limit)
        .setRead(readOptions());
    if (alive != null) {
      b.setFilterIsAlive(true).setIsAlive(alive);
    }
    GetAllWorkerInfoRequest req = b.build();
    return client.executor()
        .execute(readSpec("GetAllWorkerInfo"), ch -> stub(ch).getAllWorkerInfo(req))
        .thenApply(r -> new WorkerList(List.copyOf(r.getWorkerTableDataList()), r.getTotal(),
            r.getNumFiltered(), r.getHeader().getRevision()));
  }

  public WorkerList getAll(long limit, Boolean alive) {
    return Blocking.await(getAllAsync(limit, alive));
  }

  private CallSpec readSpec(String method) {
    return CallSpec.read(method, consistency, null);
  }

  private ReadOptions readOptions() {
    return ReadOptions.newBuilder().setStale(consistency == ReadConsistency.STALE).build();
  }

  private static WorkerInfoGcsServiceFutureStub stub(Channel ch) {
    return WorkerInfoGcsServiceGrpc.newFutureStub(ch);
  }

  private static ByteString bytes(byte[] b) {
    return ByteString.copyFrom(Objects.requireNonNull(b, "worker id"));
  }
}
