package io.raftgcs.statemachine.apply;

import io.raftgcs.proto.ApplyResult;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.CommandResult;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.LogEntryPayload;
import io.raftgcs.proto.ResultCode;
import io.raftgcs.statemachine.Limits;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import io.raftgcs.statemachine.table.ActorIndex;
import io.raftgcs.statemachine.table.ActorTable;
import io.raftgcs.statemachine.table.ClusterTable;
import io.raftgcs.statemachine.table.JobTable;
import io.raftgcs.statemachine.table.KvCreateRevisions;
import io.raftgcs.statemachine.table.KvTable;
import io.raftgcs.statemachine.table.PlacementGroupTable;
import io.raftgcs.statemachine.table.NodeTable;
import io.raftgcs.statemachine.table.Outcome;
import io.raftgcs.statemachine.table.RuntimeEnvTable;
import io.raftgcs.statemachine.table.SessionTable;
import io.raftgcs.statemachine.table.WorkerTable;
import java.util.Optional;

/**
 * Applies one log entry: every command in it, in order, into one RocksDB batch together with the
 * last-applied (term, index) and the entry's events. The one exhaustive switch over {@code Command.body}.
 * Deterministic: its only inputs are the entry, its position and the stored tables.
 *
 * <p>Apply thread only. Holds the in-memory indexes of the tables (soft, rebuilt by {@link #load}).
 */
public final class CommandApplier {
  /** Dead nodes kept when the leader's command does not say (older entries). */
  public static final int DEFAULT_MAX_DEAD_NODES = 1000;
  /** Dead actors kept when the leader's commands do not say (Ray's maximum_gcs_destroyed_actor_cached_count). */
  public static final int DEFAULT_MAX_DEAD_ACTORS = 100_000;

  private final SessionTable sessions;
  private final NodeTable nodes = new NodeTable();
  private final ActorTable actors = new ActorTable();
  private final WorkerTable workers = new WorkerTable(actors);
  private final PlacementGroupTable placementGroups = new PlacementGroupTable();
  private final KvCreateRevisions kvRevisions = new KvCreateRevisions(Limits.KV_CREATE_REVISION_CACHE_ROWS);
  private final JobTable jobs = new JobTable(actors, placementGroups, kvRevisions);
  private final EventHistory history;

  public CommandApplier(EventHistory history) {
    this(history, Limits.MAX_SESSION_RECORDS);
  }

  /** {@code maxSessions}: most request-id outcomes remembered at once (see {@link SessionTable}). */
  public CommandApplier(EventHistory history, int maxSessions) {
    this.history = history;
    this.sessions = new SessionTable(maxSessions);
    // A node's death cascades in the same entry: first its workers, then the actors on it or owned there.
    nodes.addDeathListener(workers);
    nodes.addDeathListener(actors);
    // Then the bundles on it, then the jobs whose driver ran there. An actor's death reaches the groups it
    // created and its job's exported functions.
    nodes.addDeathListener(placementGroups);
    nodes.addDeathListener(jobs);
    actors.addDeathListener(placementGroups);
    actors.addDeathListener(jobs);
    // A removed group takes the actors scheduled into its bundles with it.
    placementGroups.addRemovalListener(actors::onPlacementGroupRemoved);
  }

  /** Rebuilds in-memory indexes after the store was (re)opened. */
  public void load(GcsStore store) {
    kvRevisions.clear();
    sessions.load(store);
    nodes.load(store);
    actors.load(store);
    history.load(store);
  }

  public NodeTable nodes() {
    return nodes;
  }

  public EventHistory history() {
    return history;
  }

  /** The actor query index; readers select from it together with their store snapshot. */
  public ActorIndex actorIndex() {
    return actors.index();
  }

  public ActorTable actors() {
    return actors;
  }

  /** Result of one entry: the reply to the proposer and the events it produced (may be empty). */
  public record Applied(ApplyResult result, EventBatch events) {}

  public Applied apply(GcsStore store, long term, long index, LogEntryPayload payload) {
    actors.index().discardPending();
    kvRevisions.discard();
    try (Txn txn = new Txn(store, term, index)) {
      ApplyResult.Builder result = ApplyResult.newBuilder().setRevision(index);
      long maxTime = 0;
      for (Command cmd : payload.getCommandsList()) {
        txn.setLeaderTimeMs(cmd.getHeader().getLeaderTimeMs());
        maxTime = Math.max(maxTime, cmd.getHeader().getLeaderTimeMs());
        result.addResults(applyOnce(txn, cmd));
      }
      if (payload.getCommandsCount() > 0) {
        actors.trimDead(txn, maxDeadActors(payload));
      }
      if (maxTime > 0) {
        sessions.expire(txn, maxTime);
      }
      EventBatch events = EventBatch.newBuilder().setRevision(index).addAllEvents(txn.events()).build();
      if (events.getEventsCount() > 0) {
        history.append(txn, events);
        history.trim(txn);
      }
      txn.put(Cf.META, GcsStore.APPLIED_KEY, GcsStore.encodeApplied(term, index));
      actors.index().publish(() -> store.write(txn.batch()));
      kvRevisions.commit();
      return new Applied(result.build(), events);
    }
  }

  private CommandResult applyOnce(Txn txn, Command cmd) {
    boolean tracked = cmd.getHeader().hasRequestId();
    if (tracked) {
      Optional<CommandResult> seen = sessions.lookup(txn, cmd.getHeader().getRequestId());
      if (seen.isPresent()) {
        return seen.get();
      }
    }
    CommandResult r = dispatch(txn, cmd).toBuilder().setRevision(txn.revision()).build();
    if (tracked) {
      sessions.record(txn, cmd.getHeader().getRequestId(), r);
    }
    return r;
  }

  private CommandResult dispatch(Txn txn, Command cmd) {
    switch (cmd.getBodyCase()) {
      case KV_PUT:
        return ok().setKvPut(KvTable.put(txn, kvRevisions, cmd.getKvPut())).build();
      case KV_DEL:
        return ok().setKvDel(KvTable.del(txn, kvRevisions, cmd.getKvDel())).build();
      case REGISTER_NODE: {
        Outcome<io.raftgcs.proto.RegisterNodeReply> o = nodes.register(txn, cmd.getRegisterNode(), maxDead(cmd));
        return o.isOk() ? ok().setRegisterNode(o.reply()).build() : failed(o);
      }
      case UNREGISTER_NODE:
        return ok().setUnregisterNode(nodes.unregister(txn, cmd.getUnregisterNode(), maxDead(cmd))).build();
      case DRAIN_NODE:
        return ok().setDrainNode(nodes.drain(txn, cmd.getDrainNode())).build();
      case MARK_NODE_DEAD:
        nodes.markDead(txn, cmd.getMarkNodeDead(), maxDead(cmd));
        return ok().build();
      case INIT_CLUSTER:
        ClusterTable.init(txn, cmd.getInitCluster());
        return ok().build();
      case REGISTER_ACTOR:
        return result(actors.register(txn, cmd.getRegisterActor()), ok());
      case CREATE_ACTOR: {
        Outcome<io.raftgcs.proto.CreateActorReply> o = actors.create(txn, cmd.getCreateActor());
        return o.isOk() ? ok().setCreateActor(o.reply()).build() : failed(o);
      }
      case PLACE_ACTORS:
        actors.place(txn, cmd.getPlaceActors());
        return ok().build();
      case UNPLACE_ACTOR:
        actors.unplace(txn, cmd.getUnplaceActor());
        return ok().build();
      case REPORT_ACTOR_STARTED:
        return result(actors.started(txn, cmd.getReportActorStarted()), ok());
      case REPORT_ACTOR_CREATION_FAILED:
        return result(actors.creationFailed(txn, cmd.getReportActorCreationFailed()), ok());
      case KILL_ACTOR:
        return result(actors.kill(txn, cmd.getKillActor()), ok());
      case REPORT_ACTOR_OUT_OF_SCOPE:
        actors.outOfScope(txn, cmd.getReportActorOutOfScope());
        return ok().build();
      case RESTART_ACTOR_FOR_LINEAGE:
        return result(actors.restartForLineage(txn, cmd.getRestartActorForLineage()), ok());
      case ADD_WORKER_INFO:
        workers.add(txn, cmd.getAddWorkerInfo().getWorkerData());
        return ok().build();
      case REPORT_WORKER_FAILURE:
        workers.failed(txn, cmd.getReportWorkerFailure().getWorkerFailure());
        return ok().build();
      case GET_NEXT_JOB_ID: {
        Outcome<io.raftgcs.proto.GetNextJobIDReply> o = jobs.nextJobId(txn);
        return o.isOk() ? ok().setGetNextJobId(o.reply()).build() : failed(o);
      }
      case ADD_JOB:
        return result(jobs.add(txn, cmd.getAddJob()), ok());
      case MARK_JOB_FINISHED:
        return result(jobs.markFinished(txn, cmd.getMarkJobFinished()), ok());
      case CREATE_PLACEMENT_GROUP:
        return result(placementGroups.create(txn, cmd.getCreatePlacementGroup()), ok());
      case REMOVE_PLACEMENT_GROUP:
        placementGroups.remove(txn, cmd.getRemovePlacementGroup());
        return ok().build();
      case PLACE_PLACEMENT_GROUPS:
        placementGroups.place(txn, cmd.getPlacePlacementGroups());
        return ok().build();
      case PIN_RUNTIME_ENV_URI:
        return ok().setPinRuntimeEnvUri(RuntimeEnvTable.pin(txn, cmd.getPinRuntimeEnvUri())).build();
      case EXPIRE_RUNTIME_ENV_PINS:
        RuntimeEnvTable.expire(txn, cmd.getExpireRuntimeEnvPins());
        return ok().build();
      case BODY_NOT_SET:
      default:
        // An entry written by a newer version, or garbage: answer it, change nothing, stay in step.
        return CommandResult.newBuilder().setCode(ResultCode.INVALID_ARGUMENT)
            .setMessage("unknown command body: " + cmd.getBodyCase()).build();
    }
  }

  private static int maxDead(Command cmd) {
    int m = cmd.getHeader().getMaxDeadNodes();
    return m > 0 ? m : DEFAULT_MAX_DEAD_NODES;
  }

  /** The bound the leader stamped on the entry's commands (one leader proposes a whole entry); unset: Ray's default. */
  private static int maxDeadActors(LogEntryPayload payload) {
    int max = -1;
    for (Command cmd : payload.getCommandsList()) {
      if (cmd.getHeader().hasMaxDeadActors()) {
        max = Math.max(max, cmd.getHeader().getMaxDeadActors());
      }
    }
    return max >= 0 ? max : DEFAULT_MAX_DEAD_ACTORS;
  }

  private static CommandResult result(Outcome<?> o, CommandResult.Builder ifOk) {
    return o.isOk() ? ifOk.build() : failed(o);
  }

  private static CommandResult failed(Outcome<?> o) {
    return CommandResult.newBuilder().setCode(o.code()).setMessage(o.message()).build();
  }

  private static CommandResult.Builder ok() {
    return CommandResult.newBuilder().setCode(ResultCode.OK);
  }
}
