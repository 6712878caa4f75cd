package io.raftgcs.statemachine;

import io.raftgcs.proto.Query;
import io.raftgcs.proto.QueryResult;
import io.raftgcs.statemachine.store.GcsStore;
import io.raftgcs.statemachine.table.ActorReader;
import io.raftgcs.statemachine.table.JobReader;
import io.raftgcs.statemachine.table.KvReader;
import io.raftgcs.statemachine.table.PlacementGroupReader;
import io.raftgcs.statemachine.table.NodeReader;
import org.rocksdb.ReadOptions;
import org.rocksdb.Snapshot;

/**
 * Answers a {@link Query} from one consistent point of the store and reports the revision that point
 * reflects. Whether that point is linearizable is decided by the caller (Ratis ReadIndex or a stale read).
 * Any thread; no state.
 */
public final class QueryHandler {
  private QueryHandler() {}

  public static QueryResult answer(GcsStore store, Query q) {
    Snapshot snap = store.snapshot();
    try (ReadOptions ro = new ReadOptions().setSnapshot(snap)) {
      long revision = store.appliedTermIndex(ro)[1];
      QueryResult.Builder r = QueryResult.newBuilder().setRevision(revision);
      switch (q.getBodyCase()) {
        case KV_GET:
          return r.setKvGet(KvReader.get(store, ro, q.getKvGet())).build();
        case KV_MULTI_GET:
          return r.setKvMultiGet(KvReader.multiGet(store, ro, q.getKvMultiGet())).build();
        case KV_EXISTS:
          return r.setKvExists(KvReader.exists(store, ro, q.getKvExists())).build();
        case KV_KEYS:
          return r.setKvKeys(KvReader.keys(store, ro, q.getKvKeys())).build();
        case GET_ALL_NODE_INFO:
          return r.setGetAllNodeInfo(NodeReader.getAll(store, ro, q.getGetAllNodeInfo())).build();
        case GET_NODE:
          return r.setGetNode(NodeReader.get(store, ro, q.getGetNode())).build();
        case CHECK_ALIVE:
          return r.setCheckAlive(NodeReader.checkAlive(store, ro, q.getCheckAlive())).build();
        case GET_CLUSTER_ID:
          return r.setGetClusterId(NodeReader.clusterId(store, ro)).build();
        case GET_ALL_TOTAL_RESOURCES:
          return r.setGetAllTotalResources(NodeReader.totals(store, ro)).build();
        case GET_ALL_AVAILABLE_RESOURCES:
          return r.setGetAllAvailableResources(NodeReader.available(store, ro)).build();
        case GET_DRAINING_NODES:
          return r.setGetDrainingNodes(NodeReader.draining(store, ro)).build();
        case GET_ACTOR_INFO:
          return r.setGetActorInfo(ActorReader.get(store, ro, q.getGetActorInfo())).build();
        case GET_NAMED_ACTOR_INFO:
          return r.setGetNamedActorInfo(ActorReader.named(store, ro, q.getGetNamedActorInfo())).build();
        case LIST_NAMED_ACTORS:
          return r.setListNamedActors(ActorReader.listNamed(store, ro, q.getListNamedActors())).build();
        case GET_ALL_ACTOR_INFO:
          return r.setGetAllActorInfo(ActorReader.getAll(store, ro, q.getGetAllActorInfo())).build();
        case GET_NODE_ASSIGNMENTS:
          return r.setGetNodeAssignments(ActorReader.assignments(store, ro, q.getGetNodeAssignments())).build();
        case GET_WORKER_INFO:
          return r.setGetWorkerInfo(ActorReader.worker(store, ro, q.getGetWorkerInfo())).build();
        case GET_ALL_WORKER_INFO:
          return r.setGetAllWorkerInfo(ActorReader.workers(store, ro, q.getGetAllWorkerInfo())).build();
        case GET_ALL_JOB_INFO:
          return r.setGetAllJobInfo(JobReader.getAll(store, ro, q.getGetAllJobInfo())).build();
        case GET_PLACEMENT_GROUP:
          return r.setGetPlacementGroup(PlacementGroupReader.get(store, ro, q.getGetPlacementGroup())).build();
        case GET_NAMED_PLACEMENT_GROUP:
          return r.setGetNamedPlacementGroup(PlacementGroupReader.named(store, ro, q.getGetNamedPlacementGroup()))
              .build();
        case GET_ALL_PLACEMENT_GROUP:
          return r.setGetAllPlacementGroup(PlacementGroupReader.getAll(store, ro, q.getGetAllPlacementGroup())).build();
        case GET_NODE_BUNDLES:
          return r.setGetNodeBundles(PlacementGroupReader.nodeBundles(store, ro, q.getGetNodeBundles())).build();
        case GET_RUNTIME_ENV_PINS:
          return r.setGetRuntimeEnvPins(io.raftgcs.statemachine.table.RuntimeEnvTable.list(store, ro,
              q.getGetRuntimeEnvPins())).build();
        case BODY_NOT_SET:
        default:
          throw new IllegalArgumentException("unknown query: " + q.getBodyCase());
      }
    } finally {
      store.releaseSnapshot(snap);
    }
  }
}
