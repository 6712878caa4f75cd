package io.raftgcs.server.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.CreatePlacementGroupReply;
import io.raftgcs.proto.CreatePlacementGroupRequest;
import io.raftgcs.proto.GetAllPlacementGroupReply;
import io.raftgcs.proto.GetAllPlacementGroupRequest;
import io.raftgcs.proto.GetNamedPlacementGroupReply;
import io.raftgcs.proto.GetNamedPlacementGroupRequest;
import io.raftgcs.proto.GetNodeBundlesReply;
import io.raftgcs.proto.GetNodeBundlesRequest;
import io.raftgcs.proto.GetPlacementGroupReply;
import io.raftgcs.proto.GetPlacementGroupRequest;
import io.raftgcs.proto.PlacementGroupInfoGcsServiceGrpc;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.ReadOptions;
import io.raftgcs.proto.RemovePlacementGroupReply;
import io.raftgcs.proto.RemovePlacementGroupRequest;
import io.raftgcs.proto.WaitPlacementGroupUntilReadyReply;
import io.raftgcs.proto.WaitPlacementGroupUntilReadyRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Ray's PlacementGroupInfoGcsService plus the agents' level-triggered bundle view. Create replies after
 * registration (PENDING), as Ray does; WaitPlacementGroupUntilReady holds its reply until CREATED and fails
 * with NOT_FOUND if the group is unknown or removed first. gRPC threads; stateless apart from the waiters.
 */
public final class PlacementGroupService extends PlacementGroupInfoGcsServiceGrpc.PlacementGroupInfoGcsServiceImplBase {
  private final Calls calls;
  private final PlacementGroupWaiters waiters;

  public PlacementGroupService(Calls calls, PlacementGroupWaiters waiters) {
    this.calls = calls;
    this.waiters = waiters;
  }

  private static void pgId(com.google.protobuf.ByteString id) {
    NodeValidator.nodeId("placement_group_id", id);
  }

  private static void limit(GetAllPlacementGroupRequest r) {
    if (r.hasLimit() && r.getLimit() < 0) {
      throw Errors.invalid("limit: must not be negative");
    }
  }

  @Override
  public void createPlacementGroup(CreatePlacementGroupRequest req, StreamObserver<CreatePlacementGroupReply> obs) {
    calls.write(obs, () -> PlacementGroupValidator.create(req), req.getRequestId(),
        Command.newBuilder().setCreatePlacementGroup(req), (p, h) -> CreatePlacementGroupReply.newBuilder().setHeader(h).build());
  }

  @Override
  public void removePlacementGroup(RemovePlacementGroupRequest req, StreamObserver<RemovePlacementGroupReply> obs) {
    calls.write(obs, () -> PlacementGroupValidator.remove(req), req.getRequestId(),
        Command.newBuilder().setRemovePlacementGroup(req), (p, h) -> RemovePlacementGroupReply.newBuilder().setHeader(h).build());
  }

  @Override
  public void getPlacementGroup(GetPlacementGroupRequest req, StreamObserver<GetPlacementGroupReply> obs) {
    calls.read(obs, () -> pgId(req.getPlacementGroupId()), req.getRead(),
        Query.newBuilder().setGetPlacementGroup(req).build(), (r, h) -> {
          if (!r.getGetPlacementGroup().hasPlacementGroupTableData()) {
            throw Status.NOT_FOUND.withDescription("placement group is not known").asRuntimeException();
          }
          return r.getGetPlacementGroup().toBuilder().setHeader(h).build();
        });
  }

  @Override
  public void getNamedPlacementGroup(GetNamedPlacementGroupRequest req, StreamObserver<GetNamedPlacementGroupReply> obs) {
    calls.read(obs, () -> {
      if (req.getName().isEmpty()) {
        throw Errors.invalid("name: must not be empty");
      }
    }, req.getRead(), Query.newBuilder().setGetNamedPlacementGroup(req).build(), (r, h) -> {
      if (!r.getGetNamedPlacementGroup().hasPlacementGroupTableData()) {
        throw Status.NOT_FOUND.withDescription("no placement group named '" + req.getName() + "' in namespace '"
            + req.getRayNamespace() + "'").asRuntimeException();
      }
      return r.getGetNamedPlacementGroup().toBuilder().setHeader(h).build();
    });
  }

  @Override
  public void getAllPlacementGroup(GetAllPlacementGroupRequest req, StreamObserver<GetAllPlacementGroupReply> obs) {
    calls.read(obs, () -> limit(req), req.getRead(), Query.newBuilder().setGetAllPlacementGroup(req).build(),
        (r, h) -> r.getGetAllPlacementGroup().toBuilder().setHeader(h).build());
  }

  @Override
  public void waitPlacementGroupUntilReady(WaitPlacementGroupUntilReadyRequest req,
      StreamObserver<WaitPlacementGroupUntilReadyReply> obs) {
    calls.rpc().answer(obs, () -> {
      pgId(req.getPlacementGroupId());
      // Register first, then read: a transition between the two is seen by one or the other.
      CompletableFuture<PlacementGroupTableData> ready = waiters.await(req.getPlacementGroupId());
      calls.reads().query(ReadOptions.getDefaultInstance(), Query.newBuilder().setGetPlacementGroup(
          GetPlacementGroupRequest.newBuilder().setPlacementGroupId(req.getPlacementGroupId())).build())
          .whenComplete((r, e) -> {
            if (e != null) {
              ready.completeExceptionally(e);
            } else if (!r.getGetPlacementGroup().hasPlacementGroupTableData()) {
              ready.completeExceptionally(Status.NOT_FOUND.withDescription("placement group is not known")
                  .asRuntimeException());
            } else {
              PlacementGroupWaiters.settle(ready, r.getGetPlacementGroup().getPlacementGroupTableData());
            }
          });
      return ready.thenApply(g -> WaitPlacementGroupUntilReadyReply.newBuilder().setPlacementGroupTableData(g)
          .setHeader(calls.header(g.getModRevision())).build());
    });
  }

  @Override
  public void getNodeBundles(GetNodeBundlesRequest req, StreamObserver<GetNodeBundlesReply> obs) {
    calls.read(obs, () -> NodeValidator.nodeId("node_id", req.getNodeId()), req.getRead(),
        Query.newBuilder().setGetNodeBundles(req).build(), (r, h) -> r.getGetNodeBundles().toBuilder().setHeader(h).build());
  }
}
