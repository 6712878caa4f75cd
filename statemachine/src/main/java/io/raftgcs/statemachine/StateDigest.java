package io.raftgcs.statemachine;

import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * SHA-256 over every replicated table, in column-family then key order, at one consistent point of the
 * store. Two replicas at the same index must produce the same digest. Any thread.
 */
public final class StateDigest {
  private StateDigest() {}

  public record Value(long index, String hex) {}

  public static Value compute(GcsStore store) {
    Snapshot snap = store.snapshot();
    try (ReadOptions ro = new ReadOptions().setSnapshot(snap)) {
      MessageDigest md = sha256();
      for (Cf cf : Cf.values()) {
        if (!cf.inDigest()) {
          continue;
        }
        md.update(cf.familyName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (RocksIterator it = store.iterator(cf, ro)) {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            byte[] k = it.key();
            byte[] v = it.value();
            md.update(ByteBuffer.allocate(8).putInt(k.length).putInt(v.length).array());
            md.update(k);
            md.update(v);
          }
        }
      }
      return new Value(store.appliedTermIndex(ro)[1], HexFormat.of().formatHex(md.digest()));
    } finally {
      store.releaseSnapshot(snap);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
