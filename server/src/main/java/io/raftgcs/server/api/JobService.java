package io.raftgcs.server.api;

import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.AddJobReply;
import io.raftgcs.proto.AddJobRequest;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.GetAllJobInfoReply;
import io.raftgcs.proto.GetAllJobInfoRequest;
import io.raftgcs.proto.GetNextJobIDReply;
import io.raftgcs.proto.GetNextJobIDRequest;
import io.raftgcs.proto.JobInfoGcsServiceGrpc;
import io.raftgcs.proto.MarkJobFinishedReply;
import io.raftgcs.proto.MarkJobFinishedRequest;
import io.raftgcs.proto.Query;

/**
 * Ray's JobInfoGcsService. GetNextJobID is a replicated command (the counter lives in the job table), so
 * ids are strictly increasing across failovers and full restarts; a retry with the same request id gets the
 * same id. gRPC threads; stateless.
 */
public final class JobService extends JobInfoGcsServiceGrpc.JobInfoGcsServiceImplBase {
  private final Calls calls;

  public JobService(Calls calls) {
    this.calls = calls;
  }

  @Override
  public void getNextJobID(GetNextJobIDRequest req, StreamObserver<GetNextJobIDReply> obs) {
    calls.write(obs, () -> JobValidator.nextJobId(req), req.getRequestId(), Command.newBuilder().setGetNextJobId(req),
        (p, h) -> p.result().getGetNextJobId().toBuilder().setHeader(h).build());
  }

  @Override
  public void addJob(AddJobRequest req, StreamObserver<AddJobReply> obs) {
    calls.write(obs, () -> JobValidator.add(req), req.getRequestId(), Command.newBuilder().setAddJob(req),
        (p, h) -> AddJobReply.newBuilder().setHeader(h).build());
  }

  @Override
  public void markJobFinished(MarkJobFinishedRequest req, StreamObserver<MarkJobFinishedReply> obs) {
    calls.write(obs, () -> JobValidator.markFinished(req), req.getRequestId(),
        Command.newBuilder().setMarkJobFinished(req), (p, h) -> MarkJobFinishedReply.newBuilder().setHeader(h).build());
  }

  @Override
  public void getAllJobInfo(GetAllJobInfoRequest req, StreamObserver<GetAllJobInfoReply> obs) {
    calls.read(obs, () -> JobValidator.getAll(req), req.getRead(), Query.newBuilder().setGetAllJobInfo(req).build(),
        (r, h) -> r.getGetAllJobInfo().toBuilder().setHeader(h).build());
  }
}
