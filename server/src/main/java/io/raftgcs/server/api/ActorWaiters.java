package io.raftgcs.server.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.statemachine.StateMachineListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * CreateActor replies held until the actor is ALIVE or DEAD, completed from applied ACTOR events on this
 * replica. Soft state; any thread registers, the apply thread completes.
 */
public final class ActorWaiters implements StateMachineListener {
  private final Map<ByteString, List<CompletableFuture<ActorTableData>>> waiting = new ConcurrentHashMap<>();

  public static boolean settled(ActorTableData a) {
    return a.getState() == ActorState.ALIVE || a.getState() == ActorState.DEAD;
  }

  public CompletableFuture<ActorTableData> await(ByteString actorId) {
    CompletableFuture<ActorTableData> f = new CompletableFuture<>();
    waiting.computeIfAbsent(actorId, k -> new CopyOnWriteArrayList<>()).add(f);
    f.whenComplete((v, e) -> waiting.computeIfPresent(actorId, (k, l) -> {
      l.remove(f);
      return l.isEmpty() ? null : l;
    }));
    return f;
  }

  @Override
  public void onApplied(long index, EventBatch events) {
    if (waiting.isEmpty()) {
      return;
    }
    for (Event e : events.getEventsList()) {
      if (e.getChannel() != Channel.ACTOR || !waiting.containsKey(e.getKey())) {
        continue;
      }
      try {
        ActorTableData a = ActorTableData.parseFrom(e.getValue());
        if (settled(a)) {
          List<CompletableFuture<ActorTableData>> l = waiting.get(e.getKey());
          if (l != null) {
            l.forEach(f -> f.complete(a));
          }
        }
      } catch (InvalidProtocolBufferException ex) {
        throw new IllegalStateException(ex);
      }
    }
  }
}
