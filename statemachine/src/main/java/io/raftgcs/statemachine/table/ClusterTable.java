package io.raftgcs.statemachine.table;

import io.raftgcs.proto.InitCluster;
import io.raftgcs.statemachine.apply.Txn;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.nio.charset.StandardCharsets;

/** The cluster's identity, set once by the first leader and never changed. Apply thread for writes. */
public final class ClusterTable {
  static final byte[] CLUSTER_ID = "cluster_id".getBytes(StandardCharsets.UTF_8);

  private ClusterTable() {}

  public static void init(Txn txn, InitCluster cmd) {
    if (txn.get(Cf.CLUSTER, CLUSTER_ID) == null && !cmd.getClusterId().isEmpty()) {
      txn.put(Cf.CLUSTER, CLUSTER_ID, cmd.getClusterId().toByteArray());
    }
  }

  public static byte[] clusterId(GcsStore store, org.rocksdb.ReadOptions ro) {
    return ro == null ? store.get(Cf.CLUSTER, CLUSTER_ID) : store.get(ro, Cf.CLUSTER, CLUSTER_ID);
  }
}
