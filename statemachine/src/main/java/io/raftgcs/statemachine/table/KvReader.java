package io.raftgcs.statemachine.table;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.InternalKVExistsReply;
import io.raftgcs.proto.InternalKVExistsRequest;
import io.raftgcs.proto.InternalKVGetReply;
import io.raftgcs.proto.InternalKVGetRequest;
import io.raftgcs.proto.InternalKVKeysReply;
import io.raftgcs.proto.InternalKVKeysRequest;
import io.raftgcs.proto.InternalKVMultiGetReply;
import io.raftgcs.proto.InternalKVMultiGetRequest;
import io.raftgcs.proto.MapFieldEntry;
import io.raftgcs.statemachine.apply.Txn;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * Read side of the KV table, against one consistent RocksDB snapshot ({@code ro}).
 * Called from gRPC/Ratis read threads; holds no state.
 */
public final class KvReader {
  private KvReader() {}

  public static InternalKVGetReply get(GcsStore store, ReadOptions ro, InternalKVGetRequest req) {
    byte[] row = store.get(ro, Cf.KV, KvTable.rowKey(req.getNamespace(), req.getKey()));
    if (row == null) {
      return InternalKVGetReply.newBuilder().setFound(false).build();
    }
    return InternalKVGetReply.newBuilder().setFound(true).setValue(KvTable.parse(row).getValue()).build();
  }

  public static InternalKVMultiGetReply multiGet(GcsStore store, ReadOptions ro, InternalKVMultiGetRequest req) {
    InternalKVMultiGetReply.Builder b = InternalKVMultiGetReply.newBuilder();
    for (ByteString key : req.getKeysList()) {
      byte[] row = store.get(ro, Cf.KV, KvTable.rowKey(req.getNamespace(), key));
      if (row != null) {
        b.addResults(MapFieldEntry.newBuilder().setKey(key).setValue(KvTable.parse(row).getValue()));
      }
    }
    return b.build();
  }

  public static InternalKVExistsReply exists(GcsStore store, ReadOptions ro, InternalKVExistsRequest req) {
    byte[] row = store.get(ro, Cf.KV, KvTable.rowKey(req.getNamespace(), req.getKey()));
    return InternalKVExistsReply.newBuilder().setExists(row != null).build();
  }

  public static InternalKVKeysReply keys(GcsStore store, ReadOptions ro, InternalKVKeysRequest req) {
    InternalKVKeysReply.Builder b = InternalKVKeysReply.newBuilder();
    byte[] prefix = KvTable.rowKey(req.getNamespace(), req.getPrefix());
    try (RocksIterator it = store.iterator(Cf.KV, ro)) {
      for (it.seek(prefix); it.isValid() && Txn.startsWith(it.key(), prefix); it.next()) {
        b.addResults(ByteString.copyFrom(KvTable.userKey(req.getNamespace(), it.key())));
      }
    }
    return b.build();
  }
}
