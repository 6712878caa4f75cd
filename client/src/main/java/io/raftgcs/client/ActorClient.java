package io.raftgcs.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Channel;
import io.raftgcs.proto.ActorAssignment;
import io.raftgcs.proto.ActorDeathCause;
import io.raftgcs.proto.ActorInfoGcsServiceGrpc;
import io.raftgcs.proto.ActorInfoGcsServiceGrpc.ActorInfoGcsServiceFutureStub;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.Address;
import io.raftgcs.proto.CreateActorRequest;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventKind;
import io.raftgcs.proto.GetActorInfoRequest;
import io.raftgcs.proto.GetAllActorInfoRequest;
import io.raftgcs.proto.GetNamedActorInfoRequest;
import io.raftgcs.proto.GetNodeAssignmentsRequest;
import io.raftgcs.proto.KillActorViaGcsRequest;
import io.raftgcs.proto.ListNamedActorsRequest;
import io.raftgcs.proto.NamedActorInfo;
import io.raftgcs.proto.ReadOptions;
import io.raftgcs.proto.RegisterActorRequest;
import io.raftgcs.proto.ReportActorCreationFailedRequest;
import io.raftgcs.proto.ReportActorOutOfScopeRequest;
import io.raftgcs.proto.ReportActorStartedRequest;
import io.raftgcs.proto.RestartActorForLineageReconstructionRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Ray's actor table ({@code ActorInfoGcsService}) and the agent side of the actor protocol. Writes
 * go to the leader, each with one request id kept across retries (applied at most once); reads are
 * linearizable unless this is a {@link #stale()} view. Actor, job and node ids are opaque bytes.
 *
 * <p>Lifecycle: {@link #registerActor} (DEPENDENCIES_UNREADY) → {@link #createActor}
 * (PENDING_CREATION; the leader's scheduler places it and the node's agent reports it started) →
 * ALIVE ⇄ RESTARTING → DEAD.
 */
public final class ActorClient {
  /** How long {@link #createActor} waits for a settled actor unless told otherwise. */
  public static final Duration DEFAULT_SETTLE_TIMEOUT = Duration.ofMinutes(5);

  private final GcsClient client;
  private final ReadConsistency consistency;

  ActorClient(GcsClient client, ReadConsistency consistency) {
    this.client = client;
    this.consistency = consistency;
  }

  /** This view with reads served by any replica from its applied state. */
  public ActorClient stale() {
    return new ActorClient(client, ReadConsistency.STALE);
  }

  public ActorClient linearizable() {
    return new ActorClient(client, ReadConsistency.LINEARIZABLE);
  }

  // ---- lifecycle writes

  /**
   * Registers an actor (Ray's RegisterActor); returns the revision. {@code spec} carries
   * actor_id, job_id, owner_address, class_name, required_resources, max_restarts (-1: infinite),
   * name, ray_namespace, is_detached, scheduling_strategy; other fields are ignored. A name taken
   * by another live actor fails with ALREADY_EXISTS.
   */
  public CompletableFuture<Long> registerActorAsync(ActorTableData spec) {
    RegisterActorRequest req = RegisterActorRequest.newBuilder().setSpec(spec)
        .setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("RegisterActor"), ch -> stub(ch).registerActor(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long registerActor(ActorTableData spec) {
    return Blocking.await(registerActorAsync(spec));
  }

  /**
   * Asks for the registered actor to be created; returns its row. With {@code waitUntilSettled}
   * the leader holds the reply until the actor is ALIVE or DEAD (Ray's behaviour), up to {@code
   * timeout} (which replaces the client's deadline for this call: the attempt, and retries after
   * a failover, may take that long). Without it, the row right after the request was applied.
   */
  public CompletableFuture<ActorTableData> createActorAsync(byte[] actorId,
      boolean waitUntilSettled,
      Duration timeout) {
    CreateActorRequest req = CreateActorRequest.newBuilder().setActorId(bytes(actorId, "actor id"))
        .setWaitUntilSettled(waitUntilSettled).setRequestId(client.nextRequestId()).build();
    if (!waitUntilSettled) {
      return client.executor()
          .execute(CallSpec.write("CreateActor"), ch -> stub(ch).createActor(req))
          .thenApply(r -> r.getActor());
    }
    Objects.requireNonNull(timeout, "timeout");
    // Each attempt may be held until the actor settles; a retry (same request id, so not applied
    // twice) waits again on the new leader.
    CallSpec spec = CallSpec.write("CreateActor").withAttemptTimeout(timeout);
    return client.executor()
        .execute(spec, timeout, ch -> stub(ch).createActor(req))
        .thenApply(r -> r.getActor());
  }

  public CompletableFuture<ActorTableData> createActorAsync(byte[] actorId,
      boolean waitUntilSettled) {
    return createActorAsync(actorId, waitUntilSettled, DEFAULT_SETTLE_TIMEOUT);
  }

  /** {@link #createActorAsync} without waiting for the actor to settle. */
  public ActorTableData createActor(byte[] actorId) {
    return Blocking.await(createActorAsync(actorId, false));
  }

  public ActorTableData createActor(byte[] actorId, boolean waitUntilSettled, Duration timeout) {
    return Blocking.await(createActorAsync(actorId, waitUntilSettled, timeout));
  }

  /**
   * Ray's KillActorViaGcs: {@code noRestart} makes the death final (and releases a detached
   * actor's name); otherwise the actor restarts if its budget allows. Returns the revision.
   */
  public CompletableFuture<Long> killActorAsync(byte[] actorId, boolean force,
      boolean noRestart) {
    KillActorViaGcsRequest req = KillActorViaGcsRequest.newBuilder()
        .setActorId(bytes(actorId, "actor id")).setForceKill(force).setNoRestart(noRestart)
        .setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("KillActorViaGcs"), ch -> stub(ch).killActorViaGcs(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long killActor(byte[] actorId, boolean force, boolean noRestart) {
    return Blocking.await(killActorAsync(actorId, force, noRestart));
  }

  /** The owner lost every reference to the actor (Ray's ReportActorOutOfScope). */
  public CompletableFuture<Long> reportOutOfScopeAsync(byte[] actorId,
      long numRestartsDueToLineageReconstruction) {
    ReportActorOutOfScopeRequest req = ReportActorOutOfScopeRequest.newBuilder()
        .setActorId(bytes(actorId, "actor id"))
        .setNumRestartsDueToLineageReconstruction(numRestartsDueToLineageReconstruction)
        .setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("ReportActorOutOfScope"),
            ch -> stub(ch).reportActorOutOfScope(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long reportOutOfScope(byte[] actorId, long numRestartsDueToLineageReconstruction) {
    return Blocking.await(reportOutOfScopeAsync(actorId, numRestartsDueToLineageReconstruction));
  }

  /**
   * Restarts an actor that died out of scope, for lineage reconstruction; deduplicated by the
   * counter (a repeat with the same value is a no-op).
   */
  public CompletableFuture<Long> restartForLineageAsync(byte[] actorId,
      long numRestartsDueToLineageReconstruction) {
    RestartActorForLineageReconstructionRequest req =
        RestartActorForLineageReconstructionRequest.newBuilder()
            .setActorId(bytes(actorId, "actor id"))
            .setNumRestartsDueToLineageReconstruction(numRestartsDueToLineageReconstruction)
            .setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("RestartActorForLineageReconstruction"),
            ch -> stub(ch).restartActorForLineageReconstruction(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long restartForLineage(byte[] actorId, long numRestartsDueToLineageReconstruction) {
    return Blocking.await(restartForLineageAsync(actorId, numRestartsDueToLineageReconstruction));
  }

  // ---- agent protocol

  /**
   * The agent started the actor's worker for placement {@code attempt} (→ ALIVE). A report for
   * an attempt the actor no longer awaits fails with FAILED_PRECONDITION (stale: ignore it).
   */
  public CompletableFuture<Long> reportStartedAsync(byte[] actorId, long attempt, Address address,
      long pid) {
    ReportActorStartedRequest req = ReportActorStartedRequest.newBuilder()
        .setActorId(bytes(actorId, "actor id")).setAttempt(attempt).setAddress(address)
        .setPid(pid).setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("ReportActorStarted"), ch -> stub(ch).reportActorStarted(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long reportStarted(byte[] actorId, long attempt, Address address, long pid) {
    return Blocking.await(reportStartedAsync(actorId, attempt, address, pid));
  }

  /**
   * Starting the actor for placement {@code attempt} failed. {@code retryable}: a system failure,
   * placed again without consuming a restart; otherwise the restart rules apply with {@code
   * cause} (CREATION_TASK_FAILED if null). Stale reports fail with FAILED_PRECONDITION.
   */
  public CompletableFuture<Long> reportCreationFailedAsync(byte[] actorId, long attempt,
      boolean retryable, ActorDeathCause cause) {
    ReportActorCreationFailedRequest.Builder b = ReportActorCreationFailedRequest.newBuilder()
        .setActorId(bytes(actorId, "actor id")).setAttempt(attempt).setRetryable(retryable)
        .setRequestId(client.nextRequestId());
    if (cause != null) {
      b.setDeathCause(cause);
    }
    ReportActorCreationFailedRequest req = b.build();
    return client.executor()
        .execute(CallSpec.write("ReportActorCreationFailed"),
            ch -> stub(ch).reportActorCreationFailed(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long reportCreationFailed(byte[] actorId, long attempt, boolean retryable,
      ActorDeathCause cause) {
    return Blocking.await(reportCreationFailedAsync(actorId, attempt, retryable, cause));
  }

  /** Actors placed on {@code nodeId} and not yet confirmed, and the revision of that view. */
  public CompletableFuture<NodeAssignments> getNodeAssignmentsAsync(byte[] nodeId) {
    GetNodeAssignmentsRequest req = GetNodeAssignmentsRequest.newBuilder()
        .setNodeId(bytes(nodeId, "node id")).setRead(readOptions()).build();
    return client.executor()
        .execute(readSpec("GetNodeAssignments"), ch -> stub(ch).getNodeAssignments(req))
        .thenApply(r -> new NodeAssignments(List.copyOf(r.getActorsList()),
            r.getHeader().getRevision()));
  }

  public NodeAssignments getNodeAssignments(byte[] nodeId) {
    return Blocking.await(getNodeAssignmentsAsync(nodeId));
  }

  // ---- reads

  /** The actor's row, or empty if the cluster does not know it. */
  public CompletableFuture<Optional<ActorTableData>> getActorInfoAsync(byte[] actorId) {
    GetActorInfoRequest req = GetActorInfoRequest.newBuilder()
        .setActorId(bytes(actorId, "actor id")).setRead(readOptions()).build();
    return notFoundAsEmpty(client.executor()
        .execute(readSpec("GetActorInfo"), ch -> stub(ch).getActorInfo(req))
        .thenApply(r -> r.hasActorTableData() ? Optional.of(r.getActorTableData())
            : Optional.<ActorTableData>empty()));
  }

  public Optional<ActorTableData> getActorInfo(byte[] actorId) {
    return Blocking.await(getActorInfoAsync(actorId));
  }

  /** The actor holding {@code name} in {@code namespace}, or empty. */
  public CompletableFuture<Optional<ActorTableData>> getNamedActorInfoAsync(String name,
      String namespace) {
    GetNamedActorInfoRequest req = GetNamedActorInfoRequest.newBuilder()
        .setName(Objects.requireNonNull(name, "name"))
        .setRayNamespace(namespace == null ? "" : namespace).setRead(readOptions()).build();
    return notFoundAsEmpty(client.executor()
        .execute(readSpec("GetNamedActorInfo"), ch -> stub(ch).getNamedActorInfo(req))
        .thenApply(r -> r.hasActorTableData() ? Optional.of(r.getActorTableData())
            : Optional.<ActorTableData>empty()));
  }

  public Optional<ActorTableData> getNamedActorInfo(String name, String namespace) {
    return Blocking.await(getNamedActorInfoAsync(name, namespace));
  }

  /** Names held in {@code namespace}, or in every namespace when {@code namespace} is null. */
  public CompletableFuture<List<NamedActorInfo>> listNamedActorsAsync(String namespace) {
    ListNamedActorsRequest req = ListNamedActorsRequest.newBuilder()
        .setAllNamespaces(namespace == null).setRayNamespace(namespace == null ? "" : namespace)
        .setRead(readOptions()).build();
    return client.executor()
        .execute(readSpec("ListNamedActors"), ch -> stub(ch).listNamedActors(req))
        .thenApply(r -> List.copyOf(r.getNamedActorsListList()));
  }

  public List<NamedActorInfo> listNamedActors(String namespace) {
    return Blocking.await(listNamedActorsAsync(namespace));
  }

  public CompletableFuture<ActorList> getAllActorInfoAsync(ActorQuery query) {
    GetAllActorInfoRequest req = query.toRequest().setRead(readOptions()).build();
    return client.executor()
        .execute(readSpec("GetAllActorInfo"), ch -> stub(ch).getAllActorInfo(req))
        .thenApply(r -> new ActorList(List.copyOf(r.getActorTableDataList()), r.getTotal(),
            r.getNumFiltered(), r.getHeader().getRevision()));
  }

  public ActorList getAllActorInfo(ActorQuery query) {
    return Blocking.await(getAllActorInfoAsync(query));
  }

  public ActorList getAllActorInfo() {
    return getAllActorInfo(ActorQuery.all());
  }

  // ---- events

  /**
   * The actor placement carried by a NODE_ASSIGNMENT event: the actor's row for a PUT of an actor
   * assignment; empty for a DELETE (the placement was confirmed or withdrawn) and for bundle
   * assignments (placement groups share the channel).
   */
  public static Optional<ActorTableData> assignmentOf(Event e) {
    if (e.getKind() != EventKind.PUT || e.getValue().isEmpty()) {
      return Optional.empty();
    }
    try {
      ActorAssignment a = ActorAssignment.parseFrom(e.getValue());
      return a.hasActor() ? Optional.of(a.getActor()) : Optional.empty();
    } catch (InvalidProtocolBufferException ex) {
      throw new GcsException(GcsException.Code.INTERNAL, "undecodable assignment at revision "
          + e.getRevision() + ": " + ex.getMessage(), false, ex);
    }
  }

  /** The actor row carried by an ACTOR-channel event (empty for a DELETE). */
  public static Optional<ActorTableData> actorOf(Event e) {
    if (e.getKind() != EventKind.PUT || e.getValue().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ActorTableData.parseFrom(e.getValue()));
    } catch (InvalidProtocolBufferException ex) {
      throw new GcsException(GcsException.Code.INTERNAL, "undecodable actor row at revision "
          + e.getRevision() + ": " + ex.getMessage(), false, ex);
    }
  }

  // ---- helpers

  private static <T> CompletableFuture<Optional<T>> notFoundAsEmpty(
      CompletableFuture<Optional<T>> f) {
    return f.handle((r, e) -> {
      if (e == null) {
        return r;
      }
      Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (c instanceof GcsException g && g.code() == GcsException.Code.NOT_FOUND) {
        return Optional.<T>empty();
      }
      throw c instanceof RuntimeException re ? re : new CompletionException(c);
    });
  }

  private CallSpec readSpec(String method) {
    return CallSpec.read(method, consistency, null);
  }

  private ReadOptions readOptions() {
    return ReadOptions.newBuilder().setStale(consistency == ReadConsistency.STALE).build();
  }

  private static ActorInfoGcsServiceFutureStub stub(Channel ch) {
    return ActorInfoGcsServiceGrpc.newFutureStub(ch);
  }

  private static ByteString bytes(byte[] b, String what) {
    return ByteString.copyFrom(Objects.requireNonNull(b, what));
  }
}
