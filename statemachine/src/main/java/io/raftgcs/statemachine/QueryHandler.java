package io.raftgcs.statemachine;

import io.raftgcs.proto.ActorFilters;
import io.raftgcs.proto.GetAllActorInfoRequest;
import io.raftgcs.proto.GetNodeAssignmentsRequest;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.QueryResult;
import io.raftgcs.statemachine.store.GcsStore;
import io.raftgcs.statemachine.table.ActorIndex;
import io.raftgcs.statemachine.table.ActorReader;
import io.raftgcs.statemachine.table.JobReader;
import io.raftgcs.statemachine.table.KvReader;
import io.raftgcs.statemachine.table.PlacementGroupReader;
import io.raftgcs.statemachine.table.NodeReader;
import java.util.function.BiFunction;
import org.rocksdb.ReadOptions;
import org.rocksdb.Snapshot;

/**
 * Answers a {@link Query} from one consistent point of the store and reports the revision that point
 * reflects. Whether that point is linearizable is decided by the caller (Ratis ReadIndex or a stale read).
 * Actor listings take their snapshot from the {@link ActorIndex}, under its lock, so that the ids and counts
 * it selects are those of the snapshot the rows are then read from. Any thread; no state.
 */
public final class QueryHandler {
  private QueryHandler() {}

  public static QueryResult answer(GcsStore store, ActorIndex actors, Query q) {
    switch (q.getBodyCase()) {
      case GET_ALL_ACTOR_INFO: {
        GetAllActorInfoRequest req = q.getGetAllActorInfo();
        ActorIndex.Selection sel = actors.select(store, req.getFilters(), req.getLimit());
        return at(store, sel.snapshot(), (r, ro) -> r.setGetAllActorInfo(ActorReader.getAll(store, ro, sel)));
      }
      case GET_NODE_ASSIGNMENTS: {
        GetNodeAssignmentsRequest req = q.getGetNodeAssignments();
        ActorIndex.Selection sel = actors.select(store, ActorFilters.newBuilder().setNodeId(req.getNodeId()).build(), 0);
        return at(store, sel.snapshot(), (r, ro) -> r.setGetNodeAssignments(ActorReader.assignments(store, ro, sel)));
      }
      default:
        return at(store, store.snapshot(), (r, ro) -> plain(store, ro, q, r));
    }
  }

  /** Answers from {@code snap} (released afterwards) with the revision it reflects. */
  private static QueryResult at(GcsStore store, Snapshot snap,
      BiFunction<QueryResult.Builder, ReadOptions, QueryResult.Builder> body) {
    try (ReadOptions ro = new ReadOptions().setSnapshot(snap)) {
      long revision = store.appliedTermIndex(ro)[1];
      return body.apply(QueryResult.newBuilder().setRevision(revision), ro).build();
    } finally {
      store.releaseSnapshot(snap);
    }
  }

  private static QueryResult.Builder plain(GcsStore store, ReadOptions ro, Query q, QueryResult.Builder r) {
    switch (q.getBodyCase()) {
      case KV_GET:
        return r.setKvGet(KvReader.get(store, ro, q.getKvGet()));
      case KV_MULTI_GET:
        return r.setKvMultiGet(KvReader.multiGet(store, ro, q.getKvMultiGet()));
      case KV_EXISTS:
        return r.setKvExists(KvReader.exists(store, ro, q.getKvExists()));
      case KV_KEYS:
        return r.setKvKeys(KvReader.keys(store, ro, q.getKvKeys()));
      case GET_ALL_NODE_INFO:
        return r.setGetAllNodeInfo(NodeReader.getAll(store, ro, q.getGetAllNodeInfo()));
      case GET_NODE:
        return r.setGetNode(NodeReader.get(store, ro, q.getGetNode()));
      case CHECK_ALIVE:
        return r.setCheckAlive(NodeReader.checkAlive(store, ro, q.getCheckAlive()));
      case GET_CLUSTER_ID:
        return r.setGetClusterId(NodeReader.clusterId(store, ro));
      case GET_ALL_TOTAL_RESOURCES:
        return r.setGetAllTotalResources(NodeReader.totals(store, ro));
      case GET_ALL_AVAILABLE_RESOURCES:
        return r.setGetAllAvailableResources(NodeReader.available(store, ro));
      case GET_DRAINING_NODES:
        return r.setGetDrainingNodes(NodeReader.draining(store, ro));
      case GET_ACTOR_INFO:
        return r.setGetActorInfo(ActorReader.get(store, ro, q.getGetActorInfo()));
      case GET_NAMED_ACTOR_INFO:
        return r.setGetNamedActorInfo(ActorReader.named(store, ro, q.getGetNamedActorInfo()));
      case LIST_NAMED_ACTORS:
        return r.setListNamedActors(ActorReader.listNamed(store, ro, q.getListNamedActors()));
      case GET_WORKER_INFO:
        return r.setGetWorkerInfo(ActorReader.worker(store, ro, q.getGetWorkerInfo()));
      case GET_ALL_WORKER_INFO:
        return r.setGetAllWorkerInfo(ActorReader.workers(store, ro, q.getGetAllWorkerInfo()));
      case GET_ALL_JOB_INFO:
        return r.setGetAllJobInfo(JobReader.getAll(store, ro, q.getGetAllJobInfo()));
      case GET_PLACEMENT_GROUP:
        return r.setGetPlacementGroup(PlacementGroupReader.get(store, ro, q.getGetPlacementGroup()));
      case GET_NAMED_PLACEMENT_GROUP:
        return r.setGetNamedPlacementGroup(PlacementGroupReader.named(store, ro, q.getGetNamedPlacementGroup()));
      case GET_ALL_PLACEMENT_GROUP:
        return r.setGetAllPlacementGroup(PlacementGroupReader.getAll(store, ro, q.getGetAllPlacementGroup()));
      case GET_NODE_BUNDLES:
        return r.setGetNodeBundles(PlacementGroupReader.nodeBundles(store, ro, q.getGetNodeBundles()));
      case GET_RUNTIME_ENV_PINS:
        return r.setGetRuntimeEnvPins(io.raftgcs.statemachine.table.RuntimeEnvTable.list(store, ro,
            q.getGetRuntimeEnvPins()));
      case BODY_NOT_SET:
      default:
        throw new IllegalArgumentException("unknown query: " + q.getBodyCase());
    }
  }
}
