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
import io.raftgcs.proto.ResponseHeader;
import io.raftgcs.proto.UnregisterNodeReply;
import io.raftgcs.proto.UnregisterNodeRequest;
import io.raftgcs.server.leader.HeartbeatMonitor;
import io.raftgcs.server.raft.NotLeaderException;
import io.raftgcs.server.raft.RaftNode;
import java.util.concurrent.CompletableFuture;

/** Ray's NodeInfoGcsService plus Heartbeat (leader only, not replicated). gRPC threads; stateless. */
public final class NodeService extends NodeInfoGcsServiceGrpc.NodeInfoGcsServiceImplBase {
  private final WritePath writes;
  private final ReadPath reads;
  private final Rpc rpc;
  private final RaftNode raft;
  private final HeartbeatMonitor monitor;

  public NodeService(WritePath writes, ReadPath reads, Rpc rpc, RaftNode raft, HeartbeatMonitor monitor) {
    this.writes = writes;
    this.reads = reads;
    this.rpc = rpc;
    this.raft = raft;
    this.monitor = monitor;
  }

  private ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).setMemberId(raft.id()).build();
  }

  @Override
  public void getClusterId(GetClusterIdRequest req, StreamObserver<GetClusterIdReply> obs) {
    rpc.answer(obs, () -> reads.query(req.getRead(), Query.newBuilder().setGetClusterId(req).build())
        .thenApply(r -> r.getGetClusterId().toBuilder().setHeader(header(r.getRevision())).build()));
  }

  @Override
  public void registerNode(RegisterNodeRequest req, StreamObserver<RegisterNodeReply> obs) {
    rpc.answer(obs, () -> {
      NodeValidator.register(req);
      return writes.submit(req.getRequestId(), Command.newBuilder().setRegisterNode(req))
          .thenApply(p -> p.result().getRegisterNode().toBuilder().setHeader(header(p.revision())).build());
    });
  }

  @Override
  public void unregisterNode(UnregisterNodeRequest req, StreamObserver<UnregisterNodeReply> obs) {
    rpc.answer(obs, () -> {
      NodeValidator.unregister(req);
      return writes.submit(req.getRequestId(), Command.newBuilder().setUnregisterNode(req))
          .thenApply(p -> p.result().getUnregisterNode().toBuilder().setHeader(header(p.revision())).build());
    });
  }

  @Override
  public void drainNode(DrainNodeRequest req, StreamObserver<DrainNodeReply> obs) {
    rpc.answer(obs, () -> {
      NodeValidator.drain(req);
      return writes.submit(req.getRequestId(), Command.newBuilder().setDrainNode(req))
          .thenApply(p -> p.result().getDrainNode().toBuilder().setHeader(header(p.revision())).build());
    });
  }

  @Override
  public void getAllNodeInfo(GetAllNodeInfoRequest req, StreamObserver<GetAllNodeInfoReply> obs) {
    rpc.answer(obs, () -> {
      if (req.getLimit() < 0) {
        throw Errors.invalid("limit: must not be negative");
      }
      return reads.query(req.getRead(), Query.newBuilder().setGetAllNodeInfo(req).build())
          .thenApply(r -> r.getGetAllNodeInfo().toBuilder().setHeader(header(r.getRevision())).build());
    });
  }

  @Override
  public void getNode(GetNodeRequest req, StreamObserver<GetNodeReply> obs) {
    rpc.answer(obs, () -> {
      NodeValidator.nodeId("node_id", req.getNodeId());
      return reads.query(req.getRead(), Query.newBuilder().setGetNode(req).build()).thenApply(r -> {
        if (!r.getGetNode().hasNodeInfo()) {
          throw Status.NOT_FOUND.withDescription("node " + io.raftgcs.statemachine.table.NodeTable.hex(req.getNodeId())
              + " is not known").asRuntimeException();
        }
        return r.getGetNode().toBuilder().setHeader(header(r.getRevision())).build();
      });
    });
  }

  @Override
  public void checkAlive(CheckAliveRequest req, StreamObserver<CheckAliveReply> obs) {
    rpc.answer(obs, () -> {
      for (int i = 0; i < req.getNodeIdsCount(); i++) {
        NodeValidator.nodeId("node_ids[" + i + "]", req.getNodeIds(i));
      }
      return reads.query(req.getRead(), Query.newBuilder().setCheckAlive(req).build())
          .thenApply(r -> r.getCheckAlive().toBuilder().setRayVersion("raftgcs-" + AdminApi.VERSION)
              .setIsLeader(raft.info().isLeader()).setHeader(header(r.getRevision())).build());
    });
  }

  @Override
  public void heartbeat(HeartbeatRequest req, StreamObserver<HeartbeatReply> obs) {
    rpc.answer(obs, () -> {
      NodeValidator.heartbeat(req);
      if (!monitor.isActive()) {
        throw new NotLeaderException(raft.leaderId().orElse(""), "heartbeats go to the leader");
      }
      if (!monitor.heartbeat(req)) {
        throw Status.NOT_FOUND.withDescription("node " + io.raftgcs.statemachine.table.NodeTable.hex(req.getNodeId())
            + " is not alive in the cluster; register again with a new node_id").asRuntimeException();
      }
      return CompletableFuture.completedFuture(HeartbeatReply.newBuilder()
          .setPeriodMs(monitor.config().heartbeatPeriodMs()).setHeader(header(raft.stateMachine().appliedIndex())).build());
    });
  }
}
