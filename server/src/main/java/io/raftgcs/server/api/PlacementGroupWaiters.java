package io.raftgcs.server.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementGroupTableData.PlacementGroupState;
import io.raftgcs.statemachine.StateMachineListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * WaitPlacementGroupUntilReady replies held until the group is CREATED (completed) or REMOVED (failed with
 * NOT_FOUND), from applied PLACEMENT_GROUP events on this replica. Soft state; any thread registers, the
 * apply thread completes.
 */
public final class PlacementGroupWaiters implements StateMachineListener {
  private final Map<ByteString, List<CompletableFuture<PlacementGroupTableData>>> waiting = new ConcurrentHashMap<>();

  public CompletableFuture<PlacementGroupTableData> await(ByteString pgId) {
    CompletableFuture<PlacementGroupTableData> f = new CompletableFuture<>();
    waiting.computeIfAbsent(pgId, k -> new CopyOnWriteArrayList<>()).add(f);
    f.whenComplete((v, e) -> waiting.computeIfPresent(pgId, (k, l) -> {
      l.remove(f);
      return l.isEmpty() ? null : l;
    }));
    return f;
  }

  /** Completes or fails {@code f} if {@code g} is settled; true if it was. */
  public static boolean settle(CompletableFuture<PlacementGroupTableData> f, PlacementGroupTableData g) {
    if (g.getState() == PlacementGroupState.CREATED) {
      f.complete(g);
      return true;
    }
    if (g.getState() == PlacementGroupState.REMOVED) {
      f.completeExceptionally(Status.NOT_FOUND.withDescription("placement group "
          + java.util.HexFormat.of().formatHex(g.getPlacementGroupId().toByteArray())
          + " was removed before it was ready").asRuntimeException());
      return true;
    }
    return false;
  }

  @Override
  public void onApplied(long index, EventBatch events) {
    if (waiting.isEmpty()) {
      return;
    }
    for (Event e : events.getEventsList()) {
      if (e.getChannel() != Channel.PLACEMENT_GROUP || !waiting.containsKey(e.getKey())) {
        continue;
      }
      try {
        PlacementGroupTableData g = PlacementGroupTableData.parseFrom(e.getValue());
        List<CompletableFuture<PlacementGroupTableData>> l = waiting.get(e.getKey());
        if (l != null) {
          l.forEach(f -> settle(f, g));
        }
      } catch (InvalidProtocolBufferException ex) {
        throw new IllegalStateException(ex);
      }
    }
  }
}
