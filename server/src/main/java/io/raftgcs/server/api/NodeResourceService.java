package io.raftgcs.server.api;

import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.GetAllAvailableResourcesReply;
import io.raftgcs.proto.GetAllAvailableResourcesRequest;
import io.raftgcs.proto.GetAllResourceUsageReply;
import io.raftgcs.proto.GetAllResourceUsageRequest;
import io.raftgcs.proto.GetAllTotalResourcesReply;
import io.raftgcs.proto.GetAllTotalResourcesRequest;
import io.raftgcs.proto.GetDrainingNodesReply;
import io.raftgcs.proto.GetDrainingNodesRequest;
import io.raftgcs.proto.NodeResourceInfoGcsServiceGrpc;
import io.raftgcs.proto.NodeResources;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.ResponseHeader;
import io.raftgcs.server.leader.HeartbeatMonitor;
import io.raftgcs.server.raft.NotLeaderException;
import io.raftgcs.server.raft.RaftNode;
import io.raftgcs.statemachine.table.NodeReader;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.rocksdb.ReadOptions;

/**
 * Ray's NodeResourceInfoGcsService. Totals, availability (total minus committed allocations) and drains
 * come from the replicated tables; resource usage adds the last heartbeat of each node, which only the
 * leader holds. gRPC threads; stateless.
 */
public final class NodeResourceService extends NodeResourceInfoGcsServiceGrpc.NodeResourceInfoGcsServiceImplBase {
  private final ReadPath reads;
  private final Rpc rpc;
  private final RaftNode raft;
  private final HeartbeatMonitor monitor;
  private final java.time.Clock clock;

  public NodeResourceService(ReadPath reads, Rpc rpc, RaftNode raft, HeartbeatMonitor monitor, java.time.Clock clock) {
    this.reads = reads;
    this.rpc = rpc;
    this.raft = raft;
    this.monitor = monitor;
    this.clock = clock;
  }

  private ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).setMemberId(raft.id()).build();
  }

  @Override
  public void getAllTotalResources(GetAllTotalResourcesRequest req, StreamObserver<GetAllTotalResourcesReply> obs) {
    rpc.answer(obs, () -> reads.query(req.getRead(), Query.newBuilder().setGetAllTotalResources(req).build())
        .thenApply(r -> r.getGetAllTotalResources().toBuilder().setHeader(header(r.getRevision())).build()));
  }

  @Override
  public void getAllAvailableResources(GetAllAvailableResourcesRequest req,
      StreamObserver<GetAllAvailableResourcesReply> obs) {
    rpc.answer(obs, () -> reads.query(req.getRead(), Query.newBuilder().setGetAllAvailableResources(req).build())
        .thenApply(r -> r.getGetAllAvailableResources().toBuilder().setHeader(header(r.getRevision())).build()));
  }

  @Override
  public void getDrainingNodes(GetDrainingNodesRequest req, StreamObserver<GetDrainingNodesReply> obs) {
    rpc.answer(obs, () -> reads.query(req.getRead(), Query.newBuilder().setGetDrainingNodes(req).build())
        .thenApply(r -> r.getGetDrainingNodes().toBuilder().setHeader(header(r.getRevision())).build()));
  }

  @Override
  public void getAllResourceUsage(GetAllResourceUsageRequest req, StreamObserver<GetAllResourceUsageReply> obs) {
    rpc.answer(obs, () -> {
      if (!monitor.isActive()) {
        throw new NotLeaderException(raft.leaderId().orElse(""), "resource usage is served by the leader");
      }
      long revision = raft.stateMachine().appliedIndex();
      List<NodeResources> view = raft.stateMachine().read(store -> {
        try (ReadOptions ro = new ReadOptions()) {
          return NodeReader.resources(store, ro);
        }
      });
      GetAllResourceUsageReply.Builder b = GetAllResourceUsageReply.newBuilder().setHeader(header(revision));
      Map<String, Double> total = new TreeMap<>();
      Map<String, Double> avail = new TreeMap<>();
      long now = clock.millis();
      for (NodeResources n : view) {
        NodeResources.Builder nb = n.toBuilder();
        monitor.lastBeat(n.getNodeId()).ifPresent(beat -> nb.putAllResourcesReported(beat.report().getResourcesAvailableMap())
            .setLoad(beat.report().getLoad()).setLastHeartbeatAgeMs(now - beat.atMs()));
        b.addBatch(nb);
        n.getResourcesTotalMap().forEach((k, v) -> total.merge(k, v, Double::sum));
        n.getResourcesAvailableMap().forEach((k, v) -> avail.merge(k, v, Double::sum));
      }
      return CompletableFuture.completedFuture(b.putAllClusterTotal(total).putAllClusterAvailable(avail).build());
    });
  }
}
