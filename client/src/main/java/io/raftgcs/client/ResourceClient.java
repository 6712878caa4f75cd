package io.raftgcs.client;

import io.grpc.Channel;
import io.raftgcs.proto.DrainingNode;
import io.raftgcs.proto.GetAllAvailableResourcesRequest;
import io.raftgcs.proto.GetAllResourceUsageRequest;
import io.raftgcs.proto.GetAllTotalResourcesRequest;
import io.raftgcs.proto.GetDrainingNodesRequest;
import io.raftgcs.proto.NodeResourceInfoGcsServiceGrpc;
import io.raftgcs.proto.NodeResourceInfoGcsServiceGrpc.NodeResourceInfoGcsServiceFutureStub;
import io.raftgcs.proto.ReadOptions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Ray's resource view ({@code NodeResourceInfoGcsService}) over the alive nodes. A node's available
 * resources are its total minus the allocations committed on it.
 */
public final class ResourceClient {
  private final GcsClient client;
  private final ReadConsistency consistency;

  ResourceClient(GcsClient client, ReadConsistency consistency) {
    this.client = client;
    this.consistency = consistency;
  }

  public ResourceClient stale() {
    return new ResourceClient(client, ReadConsistency.STALE);
  }

  public ResourceClient linearizable() {
    return new ResourceClient(client, ReadConsistency.LINEARIZABLE);
  }

  /** Each alive node's {@code resources_total}. */
  public CompletableFuture<ResourceView> totalAsync() {
    GetAllTotalResourcesRequest req = GetAllTotalResourcesRequest.newBuilder()
        .setRead(readOptions()).build();
    return client.executor()
        .execute(readSpec("GetAllTotalResources"), ch -> stub(ch).getAllTotalResources(req))
        .thenApply(r -> new ResourceView(List.copyOf(r.getResourcesListList()),
            r.getHeader().getRevision()));
  }

  public ResourceView total() {
    return Blocking.await(totalAsync());
  }

  /** Each alive node's {@code resources_available} and draining flag. */
  public CompletableFuture<ResourceView> availableAsync() {
    GetAllAvailableResourcesRequest req = GetAllAvailableResourcesRequest.newBuilder()
        .setRead(readOptions()).build();
    return client.executor()
        .execute(readSpec("GetAllAvailableResources"),
            ch -> stub(ch).getAllAvailableResources(req))
        .thenApply(r -> new ResourceView(List.copyOf(r.getResourcesListList()),
            r.getHeader().getRevision()));
  }

  public ResourceView available() {
    return Blocking.await(availableAsync());
  }

  /** The leader's view including last heartbeats (always served by the leader). */
  public CompletableFuture<ResourceUsage> usageAsync() {
    return client.executor()
        .execute(CallSpec.read("GetAllResourceUsage", ReadConsistency.LINEARIZABLE, null),
            ch -> stub(ch).getAllResourceUsage(GetAllResourceUsageRequest.getDefaultInstance()))
        .thenApply(r -> new ResourceUsage(List.copyOf(r.getBatchList()),
            new TreeMap<>(r.getClusterTotalMap()), new TreeMap<>(r.getClusterAvailableMap()),
            r.getHeader().getRevision()));
  }

  public ResourceUsage usage() {
    return Blocking.await(usageAsync());
  }

  /** Alive nodes with an accepted drain, and their deadlines. */
  public CompletableFuture<List<DrainingNode>> drainingAsync() {
    GetDrainingNodesRequest req = GetDrainingNodesRequest.newBuilder().setRead(readOptions())
        .build();
    return client.executor()
        .execute(readSpec("GetDrainingNodes"), ch -> stub(ch).getDrainingNodes(req))
        .thenApply(r -> List.copyOf(r.getDrainingNodesList()));
  }

  public List<DrainingNode> draining() {
    return Blocking.await(drainingAsync());
  }

  /** Cluster totals and usage per resource name (used = total - available), like `ray status`. */
  public CompletableFuture<Map<String, ResourceAmount>> clusterAsync() {
    return totalAsync().thenCombine(availableAsync(), (t, a) -> {
      Map<String, Double> total = t.sumTotal();
      Map<String, Double> avail = a.sumAvailable();
      Map<String, ResourceAmount> out = new TreeMap<>();
      total.forEach((k, v) -> out.put(k, new ResourceAmount(v,
          Math.max(0, v - avail.getOrDefault(k, 0.0)))));
      return out;
    });
  }

  public Map<String, ResourceAmount> cluster() {
    return Blocking.await(clusterAsync());
  }

  /** One resource across the cluster. */
  public record ResourceAmount(double total, double used) {}

  private CallSpec readSpec(String method) {
    return CallSpec.read(method, consistency, null);
  }

  private ReadOptions readOptions() {
    return ReadOptions.newBuilder().setStale(consistency == ReadConsistency.STALE).build();
  }

  private static NodeResourceInfoGcsServiceFutureStub stub(Channel ch) {
    return NodeResourceInfoGcsServiceGrpc.newFutureStub(ch);
  }
}
