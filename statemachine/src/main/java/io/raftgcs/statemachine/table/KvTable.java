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
 * <p>Replicated state; mutations run on the apply thread through a {@link Txn}, and every one of them
 * passes through {@link KvCreateRevisions}, which caches the rows' create revisions.
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

  public static InternalKVPutReply put(Txn txn, KvCreateRevisions revisions, InternalKVPutRequest req) {
    byte[] rk = rowKey(req.getNamespace(), req.getKey());
    long existing = revisions.lookup(txn, rk);
    if (existing != 0 && !req.getOverwrite()) {
      return InternalKVPutReply.newBuilder().setAdded(false).build();
    }
    long created = existing == 0 ? txn.revision() : existing;
    KvEntry row = KvEntry.newBuilder().setValue(req.getValue()).setCreateRevision(created)
        .setModRevision(txn.revision()).build();
    txn.put(Cf.KV, rk, row.toByteArray());
    revisions.put(rk, created);
    txn.emit(Channel.KV, req.getNamespace(), req.getKey().toByteArray(), EventKind.PUT, req.getValue().toByteArray());
    return InternalKVPutReply.newBuilder().setAdded(existing == 0).build();
  }

  public static InternalKVDelReply del(Txn txn, KvCreateRevisions revisions, InternalKVDelRequest req) {
    String ns = req.getNamespace();
    byte[] rk = rowKey(ns, req.getKey());
    if (!req.getDelByPrefix()) {
      if (revisions.lookup(txn, rk) == 0) {
        return InternalKVDelReply.newBuilder().setDeletedNum(0).build();
      }
      deleteRow(txn, revisions, ns, rk);
      return InternalKVDelReply.newBuilder().setDeletedNum(1).build();
    }
    List<byte[]> doomed = new ArrayList<>();
    txn.scanPrefix(Cf.KV, rk, (k, v) -> doomed.add(k));
    for (byte[] k : doomed) {
      deleteRow(txn, revisions, ns, k);
    }
    return InternalKVDelReply.newBuilder().setDeletedNum(doomed.size()).build();
  }

  private static void deleteRow(Txn txn, KvCreateRevisions revisions, String ns, byte[] rowKey) {
    txn.delete(Cf.KV, rowKey);
    revisions.delete(rowKey);
    txn.emit(Channel.KV, ns, userKey(ns, rowKey), EventKind.DELETE, null);
  }
}
