package io.raftgcs.server.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.AddWorkerInfoReply;
import io.raftgcs.proto.AddWorkerInfoRequest;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.GetAllWorkerInfoReply;
import io.raftgcs.proto.GetAllWorkerInfoRequest;
import io.raftgcs.proto.GetWorkerInfoReply;
import io.raftgcs.proto.GetWorkerInfoRequest;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.ReportWorkerFailureReply;
import io.raftgcs.proto.ReportWorkerFailureRequest;
import io.raftgcs.proto.WorkerInfoGcsServiceGrpc;

/** Ray's WorkerInfoGcsService. gRPC threads; stateless. */
public final class WorkerService extends WorkerInfoGcsServiceGrpc.WorkerInfoGcsServiceImplBase {
  private final Calls calls;

  public WorkerService(Calls calls) {
    this.calls = calls;
  }

  @Override
  public void addWorkerInfo(AddWorkerInfoRequest req, StreamObserver<AddWorkerInfoReply> obs) {
    calls.write(obs, () -> {
      KvValidator.requestId(req.hasRequestId(), req.getRequestId());
      NodeValidator.nodeId("worker_data.worker_address.worker_id", req.getWorkerData().getWorkerAddress().getWorkerId());
    }, req.getRequestId(), Command.newBuilder().setAddWorkerInfo(req), (p, h) -> AddWorkerInfoReply.newBuilder().setHeader(h).build());
  }

  @Override
  public void reportWorkerFailure(ReportWorkerFailureRequest req, StreamObserver<ReportWorkerFailureReply> obs) {
    calls.write(obs, () -> {
      KvValidator.requestId(req.hasRequestId(), req.getRequestId());
      NodeValidator.nodeId("worker_failure.worker_address.worker_id",
          req.getWorkerFailure().getWorkerAddress().getWorkerId());
    }, req.getRequestId(), Command.newBuilder().setReportWorkerFailure(req),
        (p, h) -> ReportWorkerFailureReply.newBuilder().setHeader(h).build());
  }

  @Override
  public void getWorkerInfo(GetWorkerInfoRequest req, StreamObserver<GetWorkerInfoReply> obs) {
    calls.read(obs, () -> NodeValidator.nodeId("worker_id", req.getWorkerId()), req.getRead(),
        Query.newBuilder().setGetWorkerInfo(req).build(), (r, h) -> {
          if (!r.getGetWorkerInfo().hasWorkerTableData()) {
            throw Status.NOT_FOUND.withDescription("worker is not known").asRuntimeException();
          }
          return r.getGetWorkerInfo().toBuilder().setHeader(h).build();
        });
  }

  @Override
  public void getAllWorkerInfo(GetAllWorkerInfoRequest req, StreamObserver<GetAllWorkerInfoReply> obs) {
    calls.read(obs, () -> {
      if (req.getLimit() < 0) {
        throw Errors.invalid("limit: must not be negative");
      }
    }, req.getRead(), Query.newBuilder().setGetAllWorkerInfo(req).build(),
        (r, h) -> r.getGetAllWorkerInfo().toBuilder().setHeader(h).build());
  }
}
