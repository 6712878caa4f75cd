package io.raftgcs.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Channel;
import io.raftgcs.proto.CheckAliveRequest;
import io.raftgcs.proto.DrainNodeRequest;
import io.raftgcs.proto.DrainReason;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventKind;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.GetAllNodeInfoRequest;
import io.raftgcs.proto.GetClusterIdRequest;
import io.raftgcs.proto.GetNodeRequest;
import io.raftgcs.proto.HeartbeatRequest;
import io.raftgcs.proto.NodeDeathInfo;
import io.raftgcs.proto.NodeInfoGcsServiceGrpc;
import io.raftgcs.proto.NodeInfoGcsServiceGrpc.NodeInfoGcsServiceFutureStub;
import io.raftgcs.proto.ReadOptions;
import io.raftgcs.proto.RegisterNodeRequest;
import io.raftgcs.proto.ResourceLoad;
import io.raftgcs.proto.UnregisterNodeRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Ray's node table ({@code NodeInfoGcsService}). Writes and heartbeats go to the leader; reads are
 * linearizable unless this is a {@link #stale()} view. Node ids are opaque bytes ({@link NodeIds}).
 *
 * <p>Ray's rules apply: a node goes ALIVE → DEAD only; a dead id never comes back (a restarted node
 * registers under a new id); unregistering is idempotent.
 */
public final class NodeClient {
  private final GcsClient client;
  private final ReadConsistency consistency;

  NodeClient(GcsClient client, ReadConsistency consistency) {
    this.client = client;
    this.consistency = consistency;
  }

  /** This view with reads served by any replica from its applied state. */
  public NodeClient stale() {
    return new NodeClient(client, ReadConsistency.STALE);
  }

  public NodeClient linearizable() {
    return new NodeClient(client, ReadConsistency.LINEARIZABLE);
  }

  // ---- writes

  /**
   * Registers the node (ALIVE); returns the revision of the registration. Registering an alive id
   * again is a no-op; a dead id fails with FAILED_PRECONDITION. {@code state}, revisions and death
   * info in {@code info} are ignored.
   */
  public CompletableFuture<Long> registerAsync(GcsNodeInfo info) {
    RegisterNodeRequest req = RegisterNodeRequest.newBuilder().setNodeInfo(info)
        .setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("RegisterNode"), ch -> stub(ch).registerNode(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long register(GcsNodeInfo info) {
    return Blocking.await(registerAsync(info));
  }

  /** Marks the node dead with this reason (idempotent); returns the revision. */
  public CompletableFuture<Long> unregisterAsync(byte[] nodeId, NodeDeathInfo.Reason reason,
      String message) {
    UnregisterNodeRequest req = UnregisterNodeRequest.newBuilder().setNodeId(bytes(nodeId))
        .setNodeDeathInfo(NodeDeathInfo.newBuilder().setReason(reason)
            .setReasonMessage(message == null ? "" : message))
        .setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("UnregisterNode"), ch -> stub(ch).unregisterNode(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long unregister(byte[] nodeId, NodeDeathInfo.Reason reason, String message) {
    return Blocking.await(unregisterAsync(nodeId, reason, message));
  }

  /** Asks for the node to be drained; {@code deadlineMs} 0: no deadline. */
  public CompletableFuture<DrainResult> drainAsync(byte[] nodeId, DrainReason reason,
      String message, long deadlineMs) {
    DrainNodeRequest req = DrainNodeRequest.newBuilder().setNodeId(bytes(nodeId))
        .setReason(reason).setReasonMessage(message == null ? "" : message)
        .setDeadlineMs(deadlineMs).setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("DrainNode"), ch -> stub(ch).drainNode(req))
        .thenApply(r -> new DrainResult(r.getAccepted(), r.getRejectionReasonMessage(),
            r.getHeader().getRevision()));
  }

  public DrainResult drain(byte[] nodeId, DrainReason reason, String message, long deadlineMs) {
    return Blocking.await(drainAsync(nodeId, reason, message, deadlineMs));
  }

  // ---- heartbeats

  /**
   * Reports the node's available resources to the leader (not replicated). Fails with NOT_FOUND
   * when the cluster does not consider the node alive: it must register again under a new id.
   */
  public CompletableFuture<HeartbeatResult> heartbeatAsync(byte[] nodeId,
      Map<String, Double> available, ResourceLoad load) {
    return heartbeatAsync(nodeId, available, load, null, Integer.MAX_VALUE);
  }

  /** With a per-attempt timeout and an attempt cap, so one beat never outlives its period much. */
  CompletableFuture<HeartbeatResult> heartbeatAsync(byte[] nodeId, Map<String, Double> available,
      ResourceLoad load, Duration attemptTimeout, int maxAttempts) {
    HeartbeatRequest.Builder b = HeartbeatRequest.newBuilder().setNodeId(bytes(nodeId));
    if (available != null) {
      b.putAllResourcesAvailable(available);
    }
    if (load != null) {
      b.setLoad(load);
    }
    HeartbeatRequest req = b.build();
    CallSpec spec = new CallSpec("Heartbeat", CallSpec.Route.LEADER, null, false, attemptTimeout,
        maxAttempts);
    return client.executor()
        .execute(spec, ch -> stub(ch).heartbeat(req))
        .thenApply(r -> new HeartbeatResult(r.getPeriodMs(), r.getHeader().getRevision()));
  }

  public HeartbeatResult heartbeat(byte[] nodeId, Map<String, Double> available) {
    return Blocking.await(heartbeatAsync(nodeId, available, null));
  }

  // ---- reads

  public CompletableFuture<NodeList> getAllAsync(NodeQuery query) {
    GetAllNodeInfoRequest req = query.toRequest().setRead(readOptions()).build();
    return client.executor()
        .execute(readSpec("GetAllNodeInfo"), ch -> stub(ch).getAllNodeInfo(req))
        .thenApply(r -> new NodeList(List.copyOf(r.getNodeInfoListList()), r.getTotal(),
            r.getNumFiltered(), r.getHeader().getRevision()));
  }

  public NodeList getAll(NodeQuery query) {
    return Blocking.await(getAllAsync(query));
  }

  public NodeList getAll() {
    return getAll(NodeQuery.all());
  }

  /** The node's row (alive or kept dead), or empty if the cluster does not know it. */
  public CompletableFuture<Optional<GcsNodeInfo>> getAsync(byte[] nodeId) {
    GetNodeRequest req = GetNodeRequest.newBuilder().setNodeId(bytes(nodeId))
        .setRead(readOptions()).build();
    return client.executor()
        .execute(readSpec("GetNode"), ch -> stub(ch).getNode(req))
        .handle((r, e) -> {
          if (e == null) {
            return r.hasNodeInfo() ? Optional.of(r.getNodeInfo()) : Optional.<GcsNodeInfo>empty();
          }
          Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (c instanceof GcsException g && g.code() == GcsException.Code.NOT_FOUND) {
            return Optional.<GcsNodeInfo>empty();
          }
          throw c instanceof RuntimeException re ? re : new CompletionException(c);
        });
  }

  public Optional<GcsNodeInfo> get(byte[] nodeId) {
    return Blocking.await(getAsync(nodeId));
  }

  /** For each id, whether the node is alive. */
  public CompletableFuture<List<Boolean>> checkAliveAsync(List<byte[]> nodeIds) {
    CheckAliveRequest.Builder b = CheckAliveRequest.newBuilder().setRead(readOptions());
    nodeIds.forEach(id -> b.addNodeIds(bytes(id)));
    CheckAliveRequest req = b.build();
    return client.executor()
        .execute(readSpec("CheckAlive"), ch -> stub(ch).checkAlive(req))
        .thenApply(r -> List.copyOf(r.getRayletAliveList()));
  }

  public List<Boolean> checkAlive(List<byte[]> nodeIds) {
    return Blocking.await(checkAliveAsync(nodeIds));
  }

  /** The cluster's identity, chosen once by its first leader (empty before that). */
  public CompletableFuture<byte[]> clusterIdAsync() {
    GetClusterIdRequest req = GetClusterIdRequest.newBuilder().setRead(readOptions()).build();
    return client.executor()
        .execute(readSpec("GetClusterId"), ch -> stub(ch).getClusterId(req))
        .thenApply(r -> r.getClusterId().toByteArray());
  }

  public byte[] clusterId() {
    return Blocking.await(clusterIdAsync());
  }

  // ---- events

  /**
   * The node row carried by a NODE-channel event: the new row for a PUT; empty for a DELETE (a dead
   * node evicted from the table).
   */
  public static Optional<GcsNodeInfo> nodeOf(Event e) {
    if (e.getKind() != EventKind.PUT || e.getValue().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(GcsNodeInfo.parseFrom(e.getValue()));
    } catch (InvalidProtocolBufferException ex) {
      throw new GcsException(GcsException.Code.INTERNAL, "undecodable node row at revision "
          + e.getRevision() + ": " + ex.getMessage(), false, ex);
    }
  }

  // ---- helpers

  private CallSpec readSpec(String method) {
    return CallSpec.read(method, consistency, null);
  }

  private ReadOptions readOptions() {
    return ReadOptions.newBuilder().setStale(consistency == ReadConsistency.STALE).build();
  }

  private static NodeInfoGcsServiceFutureStub stub(Channel ch) {
    return NodeInfoGcsServiceGrpc.newFutureStub(ch);
  }

  private static ByteString bytes(byte[] b) {
    return ByteString.copyFrom(Objects.requireNonNull(b, "node id"));
  }
}
