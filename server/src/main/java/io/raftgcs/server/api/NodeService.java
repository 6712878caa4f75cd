package io.raftgcs.server.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.CheckAliveReply;
import io.raftgcs.proto.CheckAliveRequest;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.DrainNodeReply;
import io.raftgcs.proto.DrainNodeRequest;
import io.raftgcs.proto.GetAllNodeInfoReply;
import io.raftgcs.proto.GetAllNodeInfoRequest;
import io.raftgcs.proto.GetClusterIdReply;
import io.raftgcs.proto.GetClusterIdRequest;
import io.raftgcs.proto.GetNodeReply;
import io.raftgcs.proto.GetNodeRequest;
import io.raftgcs.proto.HeartbeatReply;
import io.raftgcs.proto.HeartbeatRequest;
import io.raftgcs.proto.NodeInfoGcsServiceGrpc;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.RegisterNodeReply;
import io.raftgcs.proto.RegisterNodeRequest;
import io.raftgcs.proto.UnregisterNodeReply;
import io.raftgcs.proto.UnregisterNodeRequest;
import io.raftgcs.server.leader.HeartbeatMonitor;
import io.raftgcs.server.raft.NotLeaderException;
import io.raftgcs.server.raft.RaftNode;
import io.raftgcs.statemachine.table.NodeTable;
import java.util.concurrent.CompletableFuture;

/** Ray's NodeInfoGcsService plus Heartbeat (leader only, not replicated). gRPC threads; stateless. */
public final class NodeService extends NodeInfoGcsServiceGrpc.NodeInfoGcsServiceImplBase {
  private final Calls calls;
  private final RaftNode raft;
  private final HeartbeatMonitor monitor;

  public NodeService(Calls calls, RaftNode raft, HeartbeatMonitor monitor) {
    this.calls = calls;
    this.raft = raft;
    this.monitor = monitor;
  }

  @Override
  public void getClusterId(GetClusterIdRequest req, StreamObserver<GetClusterIdReply> obs) {
    calls.read(obs, () -> { }, req.getRead(), Query.newBuilder().setGetClusterId(req).build(),
        (r, h) -> r.getGetClusterId().toBuilder().setHeader(h).build());
  }

  @Override
  public void registerNode(RegisterNodeRequest req, StreamObserver<RegisterNodeReply> obs) {
    calls.write(obs, () -> NodeValidator.register(req), req.getRequestId(), Command.newBuilder().setRegisterNode(req),
        (p, h) -> p.result().getRegisterNode().toBuilder().setHeader(h).build());
  }

  @Override
  public void unregisterNode(UnregisterNodeRequest req, StreamObserver<UnregisterNodeReply> obs) {
    calls.write(obs, () -> NodeValidator.unregister(req), req.getRequestId(),
        Command.newBuilder().setUnregisterNode(req),
        (p, h) -> p.result().getUnregisterNode().toBuilder().setHeader(h).build());
  }

  @Override
  public void drainNode(DrainNodeRequest req, StreamObserver<DrainNodeReply> obs) {
    calls.write(obs, () -> NodeValidator.drain(req), req.getRequestId(), Command.newBuilder().setDrainNode(req),
        (p, h) -> p.result().getDrainNode().toBuilder().setHeader(h).build());
  }

  @Override
  public void getAllNodeInfo(GetAllNodeInfoRequest req, StreamObserver<GetAllNodeInfoReply> obs) {
    calls.read(obs, () -> {
      if (req.getLimit() < 0) {
        throw Errors.invalid("limit: must not be negative");
      }
    }, req.getRead(), Query.newBuilder().setGetAllNodeInfo(req).build(),
        (r, h) -> r.getGetAllNodeInfo().toBuilder().setHeader(h).build());
  }

  @Override
  public void getNode(GetNodeRequest req, StreamObserver<GetNodeReply> obs) {
    calls.read(obs, () -> NodeValidator.nodeId("node_id", req.getNodeId()), req.getRead(),
        Query.newBuilder().setGetNode(req).build(), (r, h) -> {
          if (!r.getGetNode().hasNodeInfo()) {
            throw Status.NOT_FOUND.withDescription("node " + NodeTable.hex(req.getNodeId()) + " is not known")
                .asRuntimeException();
          }
          return r.getGetNode().toBuilder().setHeader(h).build();
        });
  }

  @Override
  public void checkAlive(CheckAliveRequest req, StreamObserver<CheckAliveReply> obs) {
    calls.read(obs, () -> {
      for (int i = 0; i < req.getNodeIdsCount(); i++) {
        NodeValidator.nodeId("node_ids[" + i + "]", req.getNodeIds(i));
      }
    }, req.getRead(), Query.newBuilder().setCheckAlive(req).build(),
        (r, h) -> r.getCheckAlive().toBuilder().setRayVersion("raftgcs-" + AdminApi.VERSION)
            .setIsLeader(raft.info().isLeader()).setHeader(h).build());
  }

  @Override
  public void heartbeat(HeartbeatRequest req, StreamObserver<HeartbeatReply> obs) {
    calls.rpc().answer(obs, () -> {
      NodeValidator.heartbeat(req);
      if (!monitor.isActive()) {
        throw new NotLeaderException(raft.leaderId().orElse(""), "heartbeats go to the leader");
      }
      if (!monitor.heartbeat(req)) {
        throw Status.NOT_FOUND.withDescription("node " + NodeTable.hex(req.getNodeId())
            + " is not alive in the cluster; register again with a new node_id").asRuntimeException();
      }
      return CompletableFuture.completedFuture(HeartbeatReply.newBuilder()
          .setPeriodMs(monitor.config().heartbeatPeriodMs())
          .setHeader(calls.header(raft.stateMachine().appliedIndex())).build());
    });
  }
}
