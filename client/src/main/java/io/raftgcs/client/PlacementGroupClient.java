package io.raftgcs.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Channel;
import io.raftgcs.proto.Bundle;
import io.raftgcs.proto.BundleAssignment;
import io.raftgcs.proto.CreatePlacementGroupRequest;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventKind;
import io.raftgcs.proto.GetAllPlacementGroupRequest;
import io.raftgcs.proto.GetNamedPlacementGroupRequest;
import io.raftgcs.proto.GetNodeBundlesRequest;
import io.raftgcs.proto.GetPlacementGroupRequest;
import io.raftgcs.proto.PlacementGroupInfoGcsServiceGrpc;
import io.raftgcs.proto.PlacementGroupInfoGcsServiceGrpc.PlacementGroupInfoGcsServiceFutureStub;
import io.raftgcs.proto.PlacementGroupSpec;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementStrategy;
import io.raftgcs.proto.ReadOptions;
import io.raftgcs.proto.RemovePlacementGroupRequest;
import io.raftgcs.proto.WaitPlacementGroupUntilReadyRequest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Ray's placement groups ({@code PlacementGroupInfoGcsService}). A group goes PENDING → CREATED
 * once the leader's scheduler committed all of its bundles at once, RESCHEDULING when a node
 * holding a bundle dies, REMOVED when removed (explicitly, or when its creator job and actor are
 * both dead for a non-detached group). Ids are opaque bytes (this client makes 18 random bytes,
 * Ray's PlacementGroupID length), shown as hex.
 */
public final class PlacementGroupClient {
  /** Length of the ids {@link #randomId()} makes (Ray's PlacementGroupID). */
  public static final int ID_LENGTH = 18;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final GcsClient client;
  private final ReadConsistency consistency;

  PlacementGroupClient(GcsClient client, ReadConsistency consistency) {
    this.client = client;
    this.consistency = consistency;
  }

  /** This view with reads served by any replica from its applied state. */
  public PlacementGroupClient stale() {
    return new PlacementGroupClient(client, ReadConsistency.STALE);
  }

  public PlacementGroupClient linearizable() {
    return new PlacementGroupClient(client, ReadConsistency.LINEARIZABLE);
  }

  /**
   * One page of {@code GetAllPlacementGroup}.
   *
   * @param groups groups in id order (REMOVED ones included while kept), up to the limit
   * @param total all groups the table holds
   * @param revision the revision the answer reflects
   */
  public record PlacementGroupList(List<PlacementGroupTableData> groups, long total,
      long revision) {}

  public static byte[] randomId() {
    byte[] id = new byte[ID_LENGTH];
    RANDOM.nextBytes(id);
    return id;
  }

  // ---- writes

  /**
   * Registers the group described by {@code spec} (PENDING) and returns its revision; the
   * scheduler places it asynchronously ({@link #waitUntilReadyAsync}). Bundle indexes and node ids
   * in the spec must be unset.
   */
  public CompletableFuture<Long> createAsync(PlacementGroupSpec spec) {
    CreatePlacementGroupRequest req = CreatePlacementGroupRequest.newBuilder()
        .setPlacementGroupSpec(spec).setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("CreatePlacementGroup"),
            ch -> stub(ch).createPlacementGroup(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  /**
   * Creates a group under a fresh random id and returns the id. A non-detached group needs a
   * {@code creatorJobId} (4 bytes); {@code creatorActorId} may be null. {@code name} and {@code
   * namespace} may be null (unnamed).
   */
  public CompletableFuture<byte[]> createAsync(List<Map<String, Double>> bundles,
      PlacementStrategy strategy, String name, String namespace, boolean detached,
      byte[] creatorJobId, byte[] creatorActorId) {
    byte[] id = randomId();
    return createAsync(spec(id, bundles, strategy, name, namespace, detached, creatorJobId,
        creatorActorId)).thenApply(rev -> id);
  }

  public byte[] create(List<Map<String, Double>> bundles, PlacementStrategy strategy, String name,
      String namespace, boolean detached, byte[] creatorJobId, byte[] creatorActorId) {
    return Blocking.await(createAsync(bundles, strategy, name, namespace, detached, creatorJobId,
        creatorActorId));
  }

  /** The request body {@link #createAsync(List, PlacementStrategy, String, String, boolean, byte[], byte[])} sends. */
  public static PlacementGroupSpec spec(byte[] id, List<Map<String, Double>> bundles,
      PlacementStrategy strategy, String name, String namespace, boolean detached,
      byte[] creatorJobId, byte[] creatorActorId) {
    PlacementGroupSpec.Builder b = PlacementGroupSpec.newBuilder()
        .setPlacementGroupId(ByteString.copyFrom(Objects.requireNonNull(id, "id")))
        .setStrategy(Objects.requireNonNull(strategy, "strategy"))
        .setName(name == null ? "" : name).setRayNamespace(namespace == null ? "" : namespace)
        .setIsDetached(detached);
    for (Map<String, Double> unit : bundles) {
      b.addBundles(Bundle.newBuilder().putAllUnitResources(unit));
    }
    if (creatorJobId != null) {
      b.setCreatorJobId(ByteString.copyFrom(creatorJobId));
    }
    if (creatorActorId != null) {
      b.setCreatorActorId(ByteString.copyFrom(creatorActorId));
    }
    return b.build();
  }

  /** Removes the group (idempotent); returns the revision. */
  public CompletableFuture<Long> removeAsync(byte[] id) {
    RemovePlacementGroupRequest req = RemovePlacementGroupRequest.newBuilder()
        .setPlacementGroupId(bytes(id)).setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("RemovePlacementGroup"),
            ch -> stub(ch).removePlacementGroup(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long remove(byte[] id) {
    return Blocking.await(removeAsync(id));
  }

  /**
   * Completes with the group's row once it is CREATED (at once if it already is). The server
   * holds the call, so it runs under {@code timeout} rather than the client's deadline: one
   * attempt may last the whole timeout, and a failover is retried within it. Fails with NOT_FOUND
   * if the group is unknown or removed first, DEADLINE_EXCEEDED when the timeout passes.
   */
  public CompletableFuture<PlacementGroupTableData> waitUntilReadyAsync(byte[] id,
      Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    WaitPlacementGroupUntilReadyRequest req = WaitPlacementGroupUntilReadyRequest.newBuilder()
        .setPlacementGroupId(bytes(id)).build();
    CallSpec spec = CallSpec.read("WaitPlacementGroupUntilReady", ReadConsistency.LINEARIZABLE,
        null).withAttemptTimeout(timeout);
    return client.executor()
        .execute(spec, timeout, ch -> stub(ch).waitPlacementGroupUntilReady(req))
        .thenApply(r -> r.getPlacementGroupTableData());
  }

  public PlacementGroupTableData waitUntilReady(byte[] id, Duration timeout) {
    return Blocking.await(waitUntilReadyAsync(id, timeout));
  }

  // ---- reads

  /** The group's row, or empty if the cluster does not know it. */
  public CompletableFuture<Optional<PlacementGroupTableData>> getAsync(byte[] id) {
    GetPlacementGroupRequest req = GetPlacementGroupRequest.newBuilder()
        .setPlacementGroupId(bytes(id)).setRead(readOptions()).build();
    return NotFound.asEmpty(client.executor()
        .execute(readSpec("GetPlacementGroup"), ch -> stub(ch).getPlacementGroup(req)),
        r -> r.hasPlacementGroupTableData() ? Optional.of(r.getPlacementGroupTableData())
            : Optional.empty());
  }

  public Optional<PlacementGroupTableData> get(byte[] id) {
    return Blocking.await(getAsync(id));
  }

  /** The group holding {@code name} in {@code namespace}, or empty. */
  public CompletableFuture<Optional<PlacementGroupTableData>> getNamedAsync(String name,
      String namespace) {
    GetNamedPlacementGroupRequest req = GetNamedPlacementGroupRequest.newBuilder()
        .setName(Objects.requireNonNull(name, "name"))
        .setRayNamespace(namespace == null ? "" : namespace).setRead(readOptions()).build();
    return NotFound.asEmpty(client.executor()
        .execute(readSpec("GetNamedPlacementGroup"), ch -> stub(ch).getNamedPlacementGroup(req)),
        r -> r.hasPlacementGroupTableData() ? Optional.of(r.getPlacementGroupTableData())
            : Optional.empty());
  }

  public Optional<PlacementGroupTableData> getNamed(String name, String namespace) {
    return Blocking.await(getNamedAsync(name, namespace));
  }

  /** All groups; {@code limit} null: all, 0: none (totals still count every group). */
  public CompletableFuture<PlacementGroupList> getAllAsync(Long limit) {
    GetAllPlacementGroupRequest.Builder b = GetAllPlacementGroupRequest.newBuilder()
        .setRead(readOptions());
    if (limit != null) {
      b.setLimit(limit);
    }
    GetAllPlacementGroupRequest req = b.build();
    return client.executor()
        .execute(readSpec("GetAllPlacementGroup"), ch -> stub(ch).getAllPlacementGroup(req))
        .thenApply(r -> new PlacementGroupList(List.copyOf(r.getPlacementGroupTableDataList()),
            r.getTotal(), r.getHeader().getRevision()));
  }

  public PlacementGroupList getAll(Long limit) {
    return Blocking.await(getAllAsync(limit));
  }

  public PlacementGroupList getAll() {
    return getAll(null);
  }

  /** Every bundle currently committed on the node (the agents' level-triggered view). */
  public CompletableFuture<List<BundleAssignment>> nodeBundlesAsync(byte[] nodeId) {
    GetNodeBundlesRequest req = GetNodeBundlesRequest.newBuilder().setNodeId(bytes(nodeId))
        .setRead(readOptions()).build();
    return client.executor()
        .execute(readSpec("GetNodeBundles"), ch -> stub(ch).getNodeBundles(req))
        .thenApply(r -> List.copyOf(r.getBundlesList()));
  }

  public List<BundleAssignment> nodeBundles(byte[] nodeId) {
    return Blocking.await(nodeBundlesAsync(nodeId));
  }

  // ---- events

  /** The row carried by a PLACEMENT_GROUP-channel event; empty for a DELETE. */
  public static Optional<PlacementGroupTableData> groupOf(Event e) {
    if (e.getKind() != EventKind.PUT || e.getValue().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(PlacementGroupTableData.parseFrom(e.getValue()));
    } catch (InvalidProtocolBufferException ex) {
      throw new GcsException(GcsException.Code.INTERNAL, "undecodable placement group row at "
          + "revision " + e.getRevision() + ": " + ex.getMessage(), false, ex);
    }
  }

  // ---- helpers

  private CallSpec readSpec(String method) {
    return CallSpec.read(method, consistency, null);
  }

  private ReadOptions readOptions() {
    return ReadOptions.newBuilder().setStale(consistency == ReadConsistency.STALE).build();
  }

  private static PlacementGroupInfoGcsServiceFutureStub stub(Channel ch) {
    return PlacementGroupInfoGcsServiceGrpc.newFutureStub(ch);
  }

  private static ByteString bytes(byte[] b) {
    return ByteString.copyFrom(Objects.requireNonNull(b, "id"));
  }
}
