package io.raftgcs.statemachine.table;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.EventKind;
import io.raftgcs.proto.InternalKVDelReply;
import io.raftgcs.proto.InternalKVDelRequest;
import io.raftgcs.proto.InternalKVPutReply;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.KvEntry;
import io.raftgcs.statemachine.apply.Txn;
import io.raftgcs.statemachine.store.Cf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ray's internal KV with namespaces. A row key is {@code namespace 0x00 key}; namespaces cannot contain
 * 0x00 (validated), so one namespace's keys are a contiguous, ordered range. Rows are {@link KvEntry}.
 *
 * <p>Replicated state; mutations run on the apply thread through a {@link Txn}.
 */
public final class KvTable {
  private KvTable() {}

  public static byte[] rowKey(String namespace, ByteString key) {
    byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[ns.length + 1 + key.size()];
    System.arraycopy(ns, 0, out, 0, ns.length);
    key.copyTo(out, ns.length + 1);
    return out;
  }

  /** The user key part of a row key of the given namespace. */
  public static byte[] userKey(String namespace, byte[] rowKey) {
    int nsLen = namespace.getBytes(StandardCharsets.UTF_8).length;
    return Arrays.copyOfRange(rowKey, nsLen + 1, rowKey.length);
  }

  public static KvEntry parse(byte[] row) {
    try {
      return KvEntry.parseFrom(row);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt kv row", e);
    }
  }

  public static InternalKVPutReply put(Txn txn, InternalKVPutRequest req) {
    byte[] rk = rowKey(req.getNamespace(), req.getKey());
    byte[] old = txn.get(Cf.KV, rk);
    if (old != null && !req.getOverwrite()) {
      return InternalKVPutReply.newBuilder().setAdded(false).build();
    }
    long created = old == null ? txn.revision() : parse(old).getCreateRevision();
    KvEntry row = KvEntry.newBuilder().setValue(req.getValue()).setCreateRevision(created)
        .setModRevision(txn.revision()).build();
    txn.put(Cf.KV, rk, row.toByteArray());
    txn.emit(Channel.KV, req.getNamespace(), req.getKey().toByteArray(), EventKind.PUT, req.getValue().toByteArray());
    return InternalKVPutReply.newBuilder().setAdded(old == null).build();
  }

  public static InternalKVDelReply del(Txn txn, InternalKVDelRequest req) {
    String ns = req.getNamespace();
    byte[] rk = rowKey(ns, req.getKey());
    if (!req.getDelByPrefix()) {
      if (txn.get(Cf.KV, rk) == null) {
        return InternalKVDelReply.newBuilder().setDeletedNum(0).build();
      }
      deleteRow(txn, ns, rk);
      return InternalKVDelReply.newBuilder().setDeletedNum(1).build();
    }
    List<byte[]> doomed = new ArrayList<>();
    txn.scanPrefix(Cf.KV, rk, (k, v) -> doomed.add(k));
    for (byte[] k : doomed) {
      deleteRow(txn, ns, k);
    }
    return InternalKVDelReply.newBuilder().setDeletedNum(doomed.size()).build();
  }

  private static void deleteRow(Txn txn, String ns, byte[] rowKey) {
    txn.delete(Cf.KV, rowKey);
    txn.emit(Channel.KV, ns, userKey(ns, rowKey), EventKind.DELETE, null);
  }
}
