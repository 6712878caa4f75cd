package io.raftgcs.server.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.ActorInfoGcsServiceGrpc;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.CreateActorReply;
import io.raftgcs.proto.CreateActorRequest;
import io.raftgcs.proto.GetActorInfoReply;
import io.raftgcs.proto.GetActorInfoRequest;
import io.raftgcs.proto.GetAllActorInfoReply;
import io.raftgcs.proto.GetAllActorInfoRequest;
import io.raftgcs.proto.GetNamedActorInfoReply;
import io.raftgcs.proto.GetNamedActorInfoRequest;
import io.raftgcs.proto.GetNodeAssignmentsReply;
import io.raftgcs.proto.GetNodeAssignmentsRequest;
import io.raftgcs.proto.KillActorViaGcsReply;
import io.raftgcs.proto.KillActorViaGcsRequest;
import io.raftgcs.proto.ListNamedActorsReply;
import io.raftgcs.proto.ListNamedActorsRequest;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.RegisterActorReply;
import io.raftgcs.proto.RegisterActorRequest;
import io.raftgcs.proto.ReportActorCreationFailedReply;
import io.raftgcs.proto.ReportActorCreationFailedRequest;
import io.raftgcs.proto.ReportActorOutOfScopeReply;
import io.raftgcs.proto.ReportActorOutOfScopeRequest;
import io.raftgcs.proto.ReportActorStartedReply;
import io.raftgcs.proto.ReportActorStartedRequest;
import io.raftgcs.proto.RestartActorForLineageReconstructionReply;
import io.raftgcs.proto.RestartActorForLineageReconstructionRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Ray's ActorInfoGcsService plus the agent protocol (assignments, started/failed reports). CreateActor
 * can hold its reply until the actor is ALIVE or DEAD. gRPC threads; stateless apart from the waiters.
 */
public final class ActorService extends ActorInfoGcsServiceGrpc.ActorInfoGcsServiceImplBase {
  private final Calls calls;
  private final ActorWaiters waiters;

  public ActorService(Calls calls, ActorWaiters waiters) {
    this.calls = calls;
    this.waiters = waiters;
  }

  private static void actorId(com.google.protobuf.ByteString id) {
    NodeValidator.nodeId("actor_id", id);
  }

  @Override
  public void registerActor(RegisterActorRequest req, StreamObserver<RegisterActorReply> obs) {
    calls.write(obs, () -> ActorValidator.register(req), req.getRequestId(), Command.newBuilder().setRegisterActor(req),
        (p, h) -> RegisterActorReply.newBuilder().setHeader(h).build());
  }

  @Override
  public void createActor(CreateActorRequest req, StreamObserver<CreateActorReply> obs) {
    calls.rpc().answer(obs, () -> {
      actorId(req.getActorId());
      KvValidator.requestId(req.hasRequestId(), req.getRequestId());
      return calls.writes().submit(req.getRequestId(), Command.newBuilder().setCreateActor(req)).thenCompose(p -> {
        ActorTableData a = p.result().getCreateActor().getActor();
        if (!req.getWaitUntilSettled() || ActorWaiters.settled(a)) {
          return CompletableFuture.completedFuture(reply(a, p.revision()));
        }
        CompletableFuture<ActorTableData> settled = waiters.await(req.getActorId());
        // The actor may have settled between the commit and the registration of the waiter.
        calls.reads().query(io.raftgcs.proto.ReadOptions.newBuilder().setStale(true).setMinRevision(p.revision()).build(),
            Query.newBuilder().setGetActorInfo(GetActorInfoRequest.newBuilder().setActorId(req.getActorId())).build())
            .thenAccept(r -> {
              if (ActorWaiters.settled(r.getGetActorInfo().getActorTableData())) {
                settled.complete(r.getGetActorInfo().getActorTableData());
              }
            });
        return settled.thenApply(x -> reply(x, x.getModRevision()));
      });
    });
  }

  private CreateActorReply reply(ActorTableData a, long revision) {
    return CreateActorReply.newBuilder().setActor(a).setHeader(calls.header(revision)).build();
  }

  @Override
  public void getActorInfo(GetActorInfoRequest req, StreamObserver<GetActorInfoReply> obs) {
    calls.read(obs, () -> actorId(req.getActorId()), req.getRead(), Query.newBuilder().setGetActorInfo(req).build(),
        (r, h) -> {
          if (!r.getGetActorInfo().hasActorTableData()) {
            throw Status.NOT_FOUND.withDescription("actor is not known").asRuntimeException();
          }
          return r.getGetActorInfo().toBuilder().setHeader(h).build();
        });
  }

  @Override
  public void getNamedActorInfo(GetNamedActorInfoRequest req, StreamObserver<GetNamedActorInfoReply> obs) {
    calls.read(obs, () -> {
      if (req.getName().isEmpty()) {
        throw Errors.invalid("name: must not be empty");
      }
    }, req.getRead(), Query.newBuilder().setGetNamedActorInfo(req).build(), (r, h) -> {
      if (!r.getGetNamedActorInfo().hasActorTableData()) {
        throw Status.NOT_FOUND.withDescription("no actor named '" + req.getName() + "' in namespace '"
            + req.getRayNamespace() + "'").asRuntimeException();
      }
      return r.getGetNamedActorInfo().toBuilder().setHeader(h).build();
    });
  }

  @Override
  public void listNamedActors(ListNamedActorsRequest req, StreamObserver<ListNamedActorsReply> obs) {
    calls.read(obs, () -> { }, req.getRead(), Query.newBuilder().setListNamedActors(req).build(),
        (r, h) -> r.getListNamedActors().toBuilder().setHeader(h).build());
  }

  @Override
  public void getAllActorInfo(GetAllActorInfoRequest req, StreamObserver<GetAllActorInfoReply> obs) {
    calls.read(obs, () -> {
      if (req.getLimit() < 0) {
        throw Errors.invalid("limit: must not be negative");
      }
    }, req.getRead(), Query.newBuilder().setGetAllActorInfo(req).build(),
        (r, h) -> r.getGetAllActorInfo().toBuilder().setHeader(h).build());
  }

  @Override
  public void killActorViaGcs(KillActorViaGcsRequest req, StreamObserver<KillActorViaGcsReply> obs) {
    calls.write(obs, () -> {
      actorId(req.getActorId());
      KvValidator.requestId(req.hasRequestId(), req.getRequestId());
    }, req.getRequestId(), Command.newBuilder().setKillActor(req), (p, h) -> KillActorViaGcsReply.newBuilder().setHeader(h).build());
  }

  @Override
  public void reportActorOutOfScope(ReportActorOutOfScopeRequest req, StreamObserver<ReportActorOutOfScopeReply> obs) {
    calls.write(obs, () -> {
      actorId(req.getActorId());
      KvValidator.requestId(req.hasRequestId(), req.getRequestId());
    }, req.getRequestId(), Command.newBuilder().setReportActorOutOfScope(req),
        (p, h) -> ReportActorOutOfScopeReply.newBuilder().setHeader(h).build());
  }

  @Override
  public void restartActorForLineageReconstruction(RestartActorForLineageReconstructionRequest req,
      StreamObserver<RestartActorForLineageReconstructionReply> obs) {
    calls.write(obs, () -> {
      actorId(req.getActorId());
      KvValidator.requestId(req.hasRequestId(), req.getRequestId());
    }, req.getRequestId(), Command.newBuilder().setRestartActorForLineage(req),
        (p, h) -> RestartActorForLineageReconstructionReply.newBuilder().setHeader(h).build());
  }

  @Override
  public void reportActorStarted(ReportActorStartedRequest req, StreamObserver<ReportActorStartedReply> obs) {
    calls.write(obs, () -> {
      actorId(req.getActorId());
      KvValidator.requestId(req.hasRequestId(), req.getRequestId());
      NodeValidator.nodeId("address.worker_id", req.getAddress().getWorkerId());
    }, req.getRequestId(), Command.newBuilder().setReportActorStarted(req),
        (p, h) -> ReportActorStartedReply.newBuilder().setHeader(h).build());
  }

  @Override
  public void reportActorCreationFailed(ReportActorCreationFailedRequest req,
      StreamObserver<ReportActorCreationFailedReply> obs) {
    calls.write(obs, () -> {
      actorId(req.getActorId());
      KvValidator.requestId(req.hasRequestId(), req.getRequestId());
    }, req.getRequestId(), Command.newBuilder().setReportActorCreationFailed(req),
        (p, h) -> ReportActorCreationFailedReply.newBuilder().setHeader(h).build());
  }

  @Override
  public void getNodeAssignments(GetNodeAssignmentsRequest req, StreamObserver<GetNodeAssignmentsReply> obs) {
    calls.read(obs, () -> NodeValidator.nodeId("node_id", req.getNodeId()), req.getRead(),
        Query.newBuilder().setGetNodeAssignments(req).build(),
        (r, h) -> r.getGetNodeAssignments().toBuilder().setHeader(h).build());
  }
}
