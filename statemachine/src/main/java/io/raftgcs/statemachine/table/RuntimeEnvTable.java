package io.raftgcs.statemachine.table;

import io.raftgcs.proto.ExpireRuntimeEnvPins;
import io.raftgcs.proto.GetRuntimeEnvPinsReply;
import io.raftgcs.proto.GetRuntimeEnvPinsRequest;
import io.raftgcs.proto.PinRuntimeEnvURIReply;
import io.raftgcs.proto.PinRuntimeEnvURIRequest;
import io.raftgcs.proto.RuntimeEnvPin;
import io.raftgcs.statemachine.apply.Txn;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * Runtime-env URI pins (Ray's {@code PinRuntimeEnvURI}): a pinned URI is kept until its expiry, in leader
 * time. Two key spaces in one family: {@code 'u' uri} → {@link RuntimeEnvPin}, and the expiry index
 * {@code 'e' expires_at(8 bytes BE) uri} → empty, ordered by time, so an expiry sweep reads only what is due.
 * Pins expire only by a leader-proposed {@link ExpireRuntimeEnvPins} carrying the leader's clock; apply never
 * reads a clock. Writes on the apply thread; reads from any thread on a snapshot.
 */
public final class RuntimeEnvTable {
  private static final byte ROW = 'u';
  private static final byte EXPIRY = 'e';

  private RuntimeEnvTable() {}

  static byte[] rowKey(String uri) {
    byte[] u = uri.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[1 + u.length];
    k[0] = ROW;
    System.arraycopy(u, 0, k, 1, u.length);
    return k;
  }

  static byte[] expiryKey(long expiresAt, String uri) {
    byte[] u = uri.getBytes(StandardCharsets.UTF_8);
    // Sign bit flipped so negative times (never expected) still sort before positive ones.
    return ByteBuffer.allocate(9 + u.length).put(EXPIRY).putLong(expiresAt ^ Long.MIN_VALUE).put(u).array();
  }

  /** Pins (or extends) the URI to leader time + expiration; never shortens an existing pin. */
  public static PinRuntimeEnvURIReply pin(Txn txn, PinRuntimeEnvURIRequest req) {
    long want = txn.leaderTimeMs() + req.getExpirationS() * 1000L;
    byte[] old = txn.get(Cf.RUNTIME_ENV_PINS, rowKey(req.getUri()));
    if (old != null) {
      RuntimeEnvPin was = Rows.parse(RuntimeEnvPin.parser(), old);
      if (was.getExpiresAtMs() >= want) {
        return PinRuntimeEnvURIReply.newBuilder().setExpiresAtMs(was.getExpiresAtMs()).build();
      }
      txn.delete(Cf.RUNTIME_ENV_PINS, expiryKey(was.getExpiresAtMs(), req.getUri()));
    }
    RuntimeEnvPin row = RuntimeEnvPin.newBuilder().setUri(req.getUri()).setExpiresAtMs(want)
        .setModRevision(txn.revision()).build();
    txn.put(Cf.RUNTIME_ENV_PINS, rowKey(req.getUri()), row.toByteArray());
    txn.put(Cf.RUNTIME_ENV_PINS, expiryKey(want, req.getUri()), new byte[0]);
    return PinRuntimeEnvURIReply.newBuilder().setExpiresAtMs(want).build();
  }

  /** Deletes every pin with expires_at <= the command's now_ms (the leader's clock); returns how many. */
  public static int expire(Txn txn, ExpireRuntimeEnvPins cmd) {
    List<byte[]> due = new ArrayList<>();
    byte[] stop = expiryKey(cmd.getNowMs(), "");
    txn.scanPrefix(Cf.RUNTIME_ENV_PINS, new byte[] {EXPIRY}, (k, v) -> {
      if (Arrays.compareUnsigned(k, 0, 9, stop, 0, 9) <= 0) {
        due.add(k);
      }
    });
    for (byte[] k : due) {
      String uri = new String(k, 9, k.length - 9, StandardCharsets.UTF_8);
      txn.delete(Cf.RUNTIME_ENV_PINS, k);
      txn.delete(Cf.RUNTIME_ENV_PINS, rowKey(uri));
    }
    return due.size();
  }

  /** The earliest expiry of any pin, or {@link Long#MAX_VALUE} when nothing is pinned. */
  public static long nextExpiry(GcsStore store, ReadOptions ro) {
    try (RocksIterator it = store.iterator(Cf.RUNTIME_ENV_PINS, ro)) {
      it.seek(new byte[] {EXPIRY});
      if (!it.isValid() || it.key()[0] != EXPIRY) {
        return Long.MAX_VALUE;
      }
      return ByteBuffer.wrap(it.key(), 1, 8).getLong() ^ Long.MIN_VALUE;
    }
  }

  public static GetRuntimeEnvPinsReply list(GcsStore store, ReadOptions ro, GetRuntimeEnvPinsRequest req) {
    GetRuntimeEnvPinsReply.Builder b = GetRuntimeEnvPinsReply.newBuilder();
    byte[] prefix = rowKey(req.getUriPrefix());
    try (RocksIterator it = store.iterator(Cf.RUNTIME_ENV_PINS, ro)) {
      for (it.seek(prefix); it.isValid() && Txn.startsWith(it.key(), prefix); it.next()) {
        b.addPins(Rows.parse(RuntimeEnvPin.parser(), it.value()));
      }
    }
    return b.build();
  }
}
