package io.raftgcs.statemachine;

import io.raftgcs.proto.Query;
import io.raftgcs.proto.QueryResult;
import io.raftgcs.statemachine.store.GcsStore;
import io.raftgcs.statemachine.table.KvReader;
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
        case BODY_NOT_SET:
        default:
          throw new IllegalArgumentException("unknown query: " + q.getBodyCase());
      }
    } finally {
      store.releaseSnapshot(snap);
    }
  }
}
