package io.raftgcs.server.api;

import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.AddTaskEventDataReply;
import io.raftgcs.proto.AddTaskEventDataRequest;
import io.raftgcs.proto.GetTaskEventsReply;
import io.raftgcs.proto.GetTaskEventsRequest;
import io.raftgcs.proto.TaskEvents;
import io.raftgcs.proto.TaskInfoGcsServiceGrpc;
import io.raftgcs.server.leader.TaskEventStore;
import io.raftgcs.server.raft.NotLeaderException;
import io.raftgcs.server.raft.RaftNode;
import java.util.concurrent.CompletableFuture;

/**
 * Ray's TaskInfoGcsService over the leader's in-memory {@link TaskEventStore}: both calls are served by the
 * leader only; a follower answers UNAVAILABLE with the leader hint, as for writes, and the client follows it.
 * Nothing here is replicated (see docs/ARCHITECTURE.md, "Task events"). gRPC threads; stateless.
 */
public final class TaskInfoService extends TaskInfoGcsServiceGrpc.TaskInfoGcsServiceImplBase {
  /** Per batch, like the KV batch limit. */
  public static final int MAX_EVENTS_PER_BATCH = 10_000;

  private final Calls calls;
  private final RaftNode raft;
  private final TaskEventStore store;
  private final String memberId;

  public TaskInfoService(Calls calls, RaftNode raft, TaskEventStore store, String memberId) {
    this.calls = calls;
    this.raft = raft;
    this.store = store;
    this.memberId = memberId;
  }

  private void requireLeader() {
    if (!raft.info().isLeader()) {
      throw new NotLeaderException(raft.leaderId().orElse(""), "task events are held by the leader");
    }
  }

  static void validate(AddTaskEventDataRequest r) {
    if (r.getData().getEventsByTaskCount() > MAX_EVENTS_PER_BATCH) {
      throw Errors.invalid("data.events_by_task: more than " + MAX_EVENTS_PER_BATCH + " events in one batch");
    }
    for (int i = 0; i < r.getData().getEventsByTaskCount(); i++) {
      TaskEvents e = r.getData().getEventsByTask(i);
      if (e.getTaskId().isEmpty()) {
        throw Errors.invalid("data.events_by_task[" + i + "].task_id: must not be empty");
      }
      NodeValidator.nodeId("data.events_by_task[" + i + "].task_id", e.getTaskId());
      if (e.getAttemptNumber() < 0) {
        throw Errors.invalid("data.events_by_task[" + i + "].attempt_number: must be >= 0");
      }
    }
    if (r.getData().getNumStatusTaskEventsDropped() < 0) {
      throw Errors.invalid("data.num_status_task_events_dropped: must be >= 0");
    }
  }

  @Override
  public void addTaskEventData(AddTaskEventDataRequest req, StreamObserver<AddTaskEventDataReply> obs) {
    calls.rpc().answer(obs, () -> {
      validate(req);
      requireLeader();
      store.add(req.getData());
      return CompletableFuture.completedFuture(AddTaskEventDataReply.newBuilder()
          .setHeader(calls.header(raft.stateMachine().appliedIndex())).build());
    });
  }

  @Override
  public void getTaskEvents(GetTaskEventsRequest req, StreamObserver<GetTaskEventsReply> obs) {
    calls.rpc().answer(obs, () -> {
      if (req.hasLimit() && req.getLimit() < 0) {
        throw Errors.invalid("limit: must be >= 0");
      }
      requireLeader();
      return CompletableFuture.completedFuture(store.query(req, memberId).toBuilder()
          .setHeader(calls.header(raft.stateMachine().appliedIndex())).build());
    });
  }
}
