package io.raftgcs.statemachine.table;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.GetActorInfoReply;
import io.raftgcs.proto.GetActorInfoRequest;
import io.raftgcs.proto.GetAllActorInfoReply;
import io.raftgcs.proto.GetAllWorkerInfoReply;
import io.raftgcs.proto.GetAllWorkerInfoRequest;
import io.raftgcs.proto.GetNamedActorInfoReply;
import io.raftgcs.proto.GetNamedActorInfoRequest;
import io.raftgcs.proto.GetNodeAssignmentsReply;
import io.raftgcs.proto.GetWorkerInfoReply;
import io.raftgcs.proto.GetWorkerInfoRequest;
import io.raftgcs.proto.ListNamedActorsReply;
import io.raftgcs.proto.ListNamedActorsRequest;
import io.raftgcs.proto.NamedActorInfo;
import io.raftgcs.proto.WorkerTableData;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * Read side of the actor and worker tables, against one consistent store snapshot. Actor listings come from an
 * {@link ActorIndex} selection taken with that snapshot. Any thread.
 */
public final class ActorReader {
  private ActorReader() {}

  public static List<ActorTableData> all(GcsStore store, ReadOptions ro) {
    List<ActorTableData> out = new ArrayList<>();
    try (RocksIterator it = store.iterator(Cf.ACTORS, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(Rows.parse(ActorTableData.parser(), it.value()));
      }
    }
    return out;
  }

  public static GetActorInfoReply get(GcsStore store, ReadOptions ro, GetActorInfoRequest req) {
    byte[] v = store.get(ro, Cf.ACTORS, req.getActorId().toByteArray());
    GetActorInfoReply.Builder b = GetActorInfoReply.newBuilder();
    if (v != null) {
      b.setActorTableData(Rows.parse(ActorTableData.parser(), v));
    }
    return b.build();
  }

  public static GetNamedActorInfoReply named(GcsStore store, ReadOptions ro, GetNamedActorInfoRequest req) {
    byte[] id = store.get(ro, Cf.ACTOR_NAMES, ActorTable.nameKey(req.getRayNamespace(), req.getName()));
    GetNamedActorInfoReply.Builder b = GetNamedActorInfoReply.newBuilder();
    if (id != null) {
      byte[] v = store.get(ro, Cf.ACTORS, id);
      if (v != null) {
        b.setActorTableData(Rows.parse(ActorTableData.parser(), v));
      }
    }
    return b.build();
  }

  public static ListNamedActorsReply listNamed(GcsStore store, ReadOptions ro, ListNamedActorsRequest req) {
    ListNamedActorsReply.Builder b = ListNamedActorsReply.newBuilder();
    try (RocksIterator it = store.iterator(Cf.ACTOR_NAMES, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String k = new String(it.key(), StandardCharsets.UTF_8);
        int sep = k.indexOf('\u0000');
        String ns = k.substring(0, sep);
        if (req.getAllNamespaces() || ns.equals(req.getRayNamespace())) {
          b.addNamedActorsList(NamedActorInfo.newBuilder().setRayNamespace(ns).setName(k.substring(sep + 1)));
        }
      }
    }
    return b.build();
  }

  /**
   * {@code GetAllActorInfo} from what the index selected at {@code ro}'s snapshot: {@code total} is every actor
   * kept (alive and cached dead), {@code num_filtered} those the filters excluded, whatever the limit.
   */
  public static GetAllActorInfoReply getAll(GcsStore store, ReadOptions ro, ActorIndex.Selection sel) {
    GetAllActorInfoReply.Builder b = GetAllActorInfoReply.newBuilder();
    for (ByteString id : sel.ids()) {
      b.addActorTableData(row(store, ro, id));
    }
    return b.setTotal(sel.total()).setNumFiltered(sel.total() - sel.matched()).build();
  }

  /** The actors placed on the selected node and not confirmed yet (the selection is every actor on the node). */
  public static GetNodeAssignmentsReply assignments(GcsStore store, ReadOptions ro, ActorIndex.Selection sel) {
    GetNodeAssignmentsReply.Builder b = GetNodeAssignmentsReply.newBuilder();
    for (ByteString id : sel.ids()) {
      ActorTableData a = row(store, ro, id);
      if (ActorTable.placedUnconfirmed(a)) {
        b.addActors(a);
      }
    }
    return b.build();
  }

  private static ActorTableData row(GcsStore store, ReadOptions ro, ByteString id) {
    byte[] v = store.get(ro, Cf.ACTORS, id.toByteArray());
    if (v == null) {
      throw new IllegalStateException("actor index out of step with the store: no row for " + NodeTable.hex(id));
    }
    return Rows.parse(ActorTableData.parser(), v);
  }

  public static GetWorkerInfoReply worker(GcsStore store, ReadOptions ro, GetWorkerInfoRequest req) {
    byte[] v = store.get(ro, Cf.WORKERS, req.getWorkerId().toByteArray());
    GetWorkerInfoReply.Builder b = GetWorkerInfoReply.newBuilder();
    if (v != null) {
      b.setWorkerTableData(Rows.parse(WorkerTableData.parser(), v));
    }
    return b.build();
  }

  public static GetAllWorkerInfoReply workers(GcsStore store, ReadOptions ro, GetAllWorkerInfoRequest req) {
    GetAllWorkerInfoReply.Builder b = GetAllWorkerInfoReply.newBuilder();
    long total = 0;
    long filtered = 0;
    try (RocksIterator it = store.iterator(Cf.WORKERS, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        total++;
        WorkerTableData w = Rows.parse(WorkerTableData.parser(), it.value());
        if (req.getFilterIsAlive() && w.getIsAlive() != req.getIsAlive()) {
          filtered++;
        } else if (req.getLimit() <= 0 || b.getWorkerTableDataCount() < req.getLimit()) {
          b.addWorkerTableData(w);
        }
      }
    }
    return b.setTotal(total).setNumFiltered(filtered).build();
  }
}
