package io.raftgcs.client;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorFilters;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.proto.GetAllActorInfoRequest;
import java.util.Objects;

/**
 * Filters and limit of {@link ActorClient#getAll}; immutable, all filters must match. Ray's {@code
 * GetAllActorInfo}: by actor id, job id, state, name, and (raftgcs) the node an actor is placed on.
 */
public final class ActorQuery {
  private final ActorFilters filters;
  private final long limit;

  private ActorQuery(ActorFilters filters, long limit) {
    this.filters = filters;
    this.limit = limit;
  }

  /** Every actor, no limit. */
  public static ActorQuery all() {
    return new ActorQuery(ActorFilters.getDefaultInstance(), 0);
  }

  public ActorQuery actorId(byte[] id) {
    return with(filters.toBuilder().setActorId(ByteString.copyFrom(id)).build());
  }

  public ActorQuery jobId(byte[] id) {
    return with(filters.toBuilder().setJobId(ByteString.copyFrom(id)).build());
  }

  public ActorQuery state(ActorState state) {
    Objects.requireNonNull(state, "state");
    return with(filters.toBuilder().setState(state).setHasState(true).build());
  }

  public ActorQuery name(String name) {
    return with(filters.toBuilder().setName(Objects.requireNonNull(name)).build());
  }

  /** Actors placed on this node. */
  public ActorQuery nodeId(byte[] id) {
    return with(filters.toBuilder().setNodeId(ByteString.copyFrom(id)).build());
  }

  /** Return at most {@code n} rows (0: all); totals still count every match. */
  public ActorQuery limit(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + n);
    }
    return new ActorQuery(filters, n);
  }

  public long limit() {
    return limit;
  }

  public ActorFilters filters() {
    return filters;
  }

  GetAllActorInfoRequest.Builder toRequest() {
    return GetAllActorInfoRequest.newBuilder().setLimit(limit).setFilters(filters);
  }

  private ActorQuery with(ActorFilters f) {
    return new ActorQuery(f, limit);
  }
}
