package io.raftgcs.client;

import io.grpc.Channel;
import io.raftgcs.proto.AddTaskEventDataRequest;
import io.raftgcs.proto.GetTaskEventsReply;
import io.raftgcs.proto.GetTaskEventsRequest;
import io.raftgcs.proto.TaskEventData;
import io.raftgcs.proto.TaskEventFilters;
import io.raftgcs.proto.TaskInfoGcsServiceGrpc;
import io.raftgcs.proto.TaskInfoGcsServiceGrpc.TaskInfoGcsServiceFutureStub;
import java.util.concurrent.CompletableFuture;

/**
 * Ray's task events ({@code TaskInfoGcsService}). They are leader-local soft state, not
 * replicated: both calls go to the leader, and an answer covers what the current leader received
 * since it took office. {@link GetTaskEventsReply#getComplete()} is false when events may be
 * missing (an earlier leader's events, or events dropped by the bound or at workers).
 */
public final class TaskEventClient {
  private final GcsClient client;

  TaskEventClient(GcsClient client) {
    this.client = client;
  }

  /**
   * Sends one batch of status events to the leader; returns the revision the leader had applied.
   * Events of the same (task_id, attempt_number) merge, so a retried batch is harmless.
   */
  public CompletableFuture<Long> addAsync(TaskEventData data) {
    AddTaskEventDataRequest req = AddTaskEventDataRequest.newBuilder().setData(data).build();
    return client.executor()
        .execute(CallSpec.write("AddTaskEventData"), ch -> stub(ch).addTaskEventData(req))
        .thenApply(r -> r.getHeader().getRevision());
  }

  public long add(TaskEventData data) {
    return Blocking.await(addAsync(data));
  }

  /**
   * Events matching every set field of {@code filters} (null: all), oldest first; {@code limit}
   * null: all, 0: none. The reply carries the dropped, stored, filtered and truncated counters.
   */
  public CompletableFuture<GetTaskEventsReply> getAsync(TaskEventFilters filters, Long limit) {
    GetTaskEventsRequest.Builder b = GetTaskEventsRequest.newBuilder();
    if (filters != null) {
      b.setFilters(filters);
    }
    if (limit != null) {
      b.setLimit(limit);
    }
    GetTaskEventsRequest req = b.build();
    return client.executor()
        .execute(CallSpec.read("GetTaskEvents", ReadConsistency.LINEARIZABLE, null),
            ch -> stub(ch).getTaskEvents(req));
  }

  public GetTaskEventsReply get(TaskEventFilters filters, Long limit) {
    return Blocking.await(getAsync(filters, limit));
  }

  private static TaskInfoGcsServiceFutureStub stub(Channel ch) {
    return TaskInfoGcsServiceGrpc.newFutureStub(ch);
  }
}
