package io.raftgcs.server.leader;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.GetTaskEventsReply;
import io.raftgcs.proto.GetTaskEventsRequest;
import io.raftgcs.proto.TaskEventData;
import io.raftgcs.proto.TaskEventFilters;
import io.raftgcs.proto.TaskEvents;
import io.raftgcs.proto.TaskStatus;
import io.raftgcs.statemachine.GcsStateMachine;
import io.raftgcs.statemachine.table.ClusterTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Task status events, kept in the leader's memory only (as Ray keeps them in GCS memory only): they are
 * high-volume observability data, not state anything depends on, and replicating every status change of
 * every task through Raft would cost more than everything else the GCS does. Events of one task attempt are
 * merged; at most {@code maxTasks} attempts are held, the oldest (first reported) evicted first and counted.
 *
 * <p>Started empty when this replica becomes the ready leader and cleared when it steps down, so a reply
 * always describes one leader's term of office: {@code since_ms} (its clock when it started collecting) and
 * {@code complete=false} when a previous leader existed (its events were lost with it) or anything was
 * dropped. Thread-safe (one monitor); gRPC threads and the leader-lifecycle thread.
 */
public final class TaskEventStore implements LeaderService {
  public static final int DEFAULT_MAX_TASKS = 100_000;

  private record Key(ByteString taskId, int attempt) {}

  private final GcsStateMachine stateMachine;
  private final Clock clock;
  private final LinkedHashMap<Key, TaskEvents> byTask = new LinkedHashMap<>();
  private int maxTasks;
  private boolean active;
  private boolean inherited;
  private long sinceMs;
  private long droppedAtWorkers;
  private long evicted;

  public TaskEventStore(GcsStateMachine stateMachine, Clock clock, int maxTasks) {
    this.stateMachine = stateMachine;
    this.clock = clock;
    this.maxTasks = maxTasks;
  }

  @Override
  public synchronized void start() {
    activate();
  }

  @Override
  public synchronized void stop() {
    active = false;
    byTask.clear();
    droppedAtWorkers = 0;
    evicted = 0;
  }

  /** The bound on held task attempts; lowering it evicts at once. */
  public synchronized void setMaxTasks(int max) {
    maxTasks = Math.max(1, max);
    evictOverflow();
  }

  private void activate() {
    if (active) {
      return;
    }
    active = true;
    sinceMs = clock.millis();
    // A cluster id already set means an earlier leader ran (it is proposed by the first one): whatever was
    // reported to it is gone.
    inherited = stateMachine.read(store -> ClusterTable.clusterId(store, null)) != null;
  }

  /** Merges one batch. Called only while Raft says this replica leads (the service checks). */
  public synchronized void add(TaskEventData data) {
    activate();
    droppedAtWorkers += data.getNumStatusTaskEventsDropped();
    for (TaskEvents e : data.getEventsByTaskList()) {
      Key k = new Key(e.getTaskId(), e.getAttemptNumber());
      TaskEvents was = byTask.get(k);
      byTask.put(k, was == null ? withLatestState(e.toBuilder()) : merge(was, e));
    }
    evictOverflow();
  }

  private void evictOverflow() {
    Iterator<Map.Entry<Key, TaskEvents>> it = byTask.entrySet().iterator();
    while (byTask.size() > maxTasks && it.hasNext()) {
      it.next();
      it.remove();
      evicted++;
    }
  }

  private static TaskEvents merge(TaskEvents was, TaskEvents e) {
    TaskEvents.Builder b = was.toBuilder();
    if (!e.getJobId().isEmpty()) {
      b.setJobId(e.getJobId());
    }
    if (!e.getActorId().isEmpty()) {
      b.setActorId(e.getActorId());
    }
    if (!e.getName().isEmpty()) {
      b.setName(e.getName());
    }
    if (!e.getNodeId().isEmpty()) {
      b.setNodeId(e.getNodeId());
    }
    if (!e.getWorkerId().isEmpty()) {
      b.setWorkerId(e.getWorkerId());
    }
    if (!e.getErrorMessage().isEmpty()) {
      b.setErrorMessage(e.getErrorMessage());
    }
    if (e.getState() != TaskStatus.NIL && !b.containsStateTsMs(e.getStateValue())) {
      b.putStateTsMs(e.getStateValue(), 0);
    }
    b.putAllStateTsMs(e.getStateTsMsMap());
    return withLatestState(b);
  }

  /** The state with the latest timestamp (ties: the further one); a bare state without a time counts too. */
  private static TaskEvents withLatestState(TaskEvents.Builder b) {
    int best = b.getStateValue();
    long bestTs = b.getStateTsMsMap().getOrDefault(best, Long.MIN_VALUE);
    for (Map.Entry<Integer, Long> e : b.getStateTsMsMap().entrySet()) {
      if (e.getValue() > bestTs || (e.getValue() == bestTs && e.getKey() > best)) {
        best = e.getKey();
        bestTs = e.getValue();
      }
    }
    return b.setStateValue(best).build();
  }

  public synchronized GetTaskEventsReply query(GetTaskEventsRequest req, String leaderId) {
    activate();
    TaskEventFilters f = req.getFilters();
    long limit = req.hasLimit() ? req.getLimit() : Long.MAX_VALUE;
    List<TaskEvents> out = new ArrayList<>();
    long matched = 0;
    for (TaskEvents e : byTask.values()) {
      if (!matches(f, e)) {
        continue;
      }
      matched++;
      if (out.size() < limit) {
        out.add(e);
      }
    }
    long dropped = droppedAtWorkers + evicted;
    return GetTaskEventsReply.newBuilder().addAllEventsByTask(out).setNumStatusTaskEventsDropped(dropped)
        .setNumTotalStored(byTask.size()).setNumFilteredOnGcs(byTask.size() - matched)
        .setNumTruncated(matched - out.size()).setComplete(!inherited && dropped == 0).setSinceMs(sinceMs)
        .setLeaderId(leaderId).setNumEvictedByLimit(evicted).build();
  }

  private static boolean matches(TaskEventFilters f, TaskEvents e) {
    return (f.getJobId().isEmpty() || f.getJobId().equals(e.getJobId()))
        && (f.getTaskId().isEmpty() || f.getTaskId().equals(e.getTaskId()))
        && (f.getActorId().isEmpty() || f.getActorId().equals(e.getActorId()))
        && (f.getName().isEmpty() || f.getName().equals(e.getName()))
        && (!f.getHasState() || f.getState() == e.getState());
  }
}
