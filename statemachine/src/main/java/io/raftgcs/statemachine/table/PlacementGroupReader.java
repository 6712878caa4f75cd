package io.raftgcs.statemachine.table;

import io.raftgcs.proto.GetAllPlacementGroupReply;
import io.raftgcs.proto.GetAllPlacementGroupRequest;
import io.raftgcs.proto.GetNamedPlacementGroupReply;
import io.raftgcs.proto.GetNamedPlacementGroupRequest;
import io.raftgcs.proto.GetNodeBundlesReply;
import io.raftgcs.proto.GetNodeBundlesRequest;
import io.raftgcs.proto.GetPlacementGroupReply;
import io.raftgcs.proto.GetPlacementGroupRequest;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/** Read side of the placement group table, against one consistent store snapshot. Any thread; stateless. */
public final class PlacementGroupReader {
  private PlacementGroupReader() {}

  public static List<PlacementGroupTableData> all(GcsStore store, ReadOptions ro) {
    List<PlacementGroupTableData> out = new ArrayList<>();
    try (RocksIterator it = store.iterator(Cf.PLACEMENT_GROUPS, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(Rows.parse(PlacementGroupTableData.parser(), it.value()));
      }
    }
    return out;
  }

  public static GetPlacementGroupReply get(GcsStore store, ReadOptions ro, GetPlacementGroupRequest req) {
    byte[] v = store.get(ro, Cf.PLACEMENT_GROUPS, req.getPlacementGroupId().toByteArray());
    GetPlacementGroupReply.Builder b = GetPlacementGroupReply.newBuilder();
    if (v != null) {
      b.setPlacementGroupTableData(Rows.parse(PlacementGroupTableData.parser(), v));
    }
    return b.build();
  }

  public static GetNamedPlacementGroupReply named(GcsStore store, ReadOptions ro, GetNamedPlacementGroupRequest req) {
    byte[] id = store.get(ro, Cf.PG_NAMES, PlacementGroupTable.nameKey(req.getRayNamespace(), req.getName()));
    GetNamedPlacementGroupReply.Builder b = GetNamedPlacementGroupReply.newBuilder();
    if (id != null) {
      byte[] v = store.get(ro, Cf.PLACEMENT_GROUPS, id);
      if (v != null) {
        b.setPlacementGroupTableData(Rows.parse(PlacementGroupTableData.parser(), v));
      }
    }
    return b.build();
  }

  public static GetAllPlacementGroupReply getAll(GcsStore store, ReadOptions ro, GetAllPlacementGroupRequest req) {
    GetAllPlacementGroupReply.Builder b = GetAllPlacementGroupReply.newBuilder();
    long total = 0;
    try (RocksIterator it = store.iterator(Cf.PLACEMENT_GROUPS, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        total++;
        if (!req.hasLimit() || b.getPlacementGroupTableDataCount() < req.getLimit()) {
          b.addPlacementGroupTableData(Rows.parse(PlacementGroupTableData.parser(), it.value()));
        }
      }
    }
    return b.setTotal(total).build();
  }

  public static GetNodeBundlesReply nodeBundles(GcsStore store, ReadOptions ro, GetNodeBundlesRequest req) {
    GetNodeBundlesReply.Builder b = GetNodeBundlesReply.newBuilder();
    for (PlacementGroupTableData g : all(store, ro)) {
      for (int i = 0; i < g.getBundlesCount(); i++) {
        if (g.getBundles(i).getNodeId().equals(req.getNodeId())) {
          b.addBundles(PlacementGroupTable.assignment(g, i));
        }
      }
    }
    return b.build();
  }
}
