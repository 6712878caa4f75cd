package io.raftgcs.statemachine.table;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftgcs.proto.CommandResult;
import io.raftgcs.proto.RequestId;
import io.raftgcs.proto.SessionRecord;
import io.raftgcs.statemachine.Limits;
import io.raftgcs.statemachine.apply.Txn;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.TreeSet;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * Exactly-once for retried mutations: the outcome of every request id is stored with the leader time that
 * applied it, and a command whose id is already here is answered from the record instead of re-applied.
 * Records older than {@link Limits#SESSION_TTL_MS} (by leader time) are dropped in apply, and so are the
 * oldest ones whenever more than {@code maxRecords} are held (a bound on every replica's heap).
 *
 * <p>Replicated state plus an in-memory expiry index ordered by (time, key) — an order every replica
 * derives identically whether it built the index incrementally or by scanning the store.
 * Apply thread only.
 */
public final class SessionTable {
  private record Expiry(long timeMs, byte[] key) {}

  private static final Comparator<Expiry> ORDER =
      Comparator.comparingLong(Expiry::timeMs).thenComparing(Expiry::key, Arrays::compareUnsigned);

  private final TreeSet<Expiry> expiry = new TreeSet<>(ORDER);
  private final int maxRecords;

  /** {@code maxRecords}: most records held; recording one more drops the oldest (time, then key). */
  public SessionTable(int maxRecords) {
    if (maxRecords < 1) {
      throw new IllegalArgumentException("maxRecords must be at least 1");
    }
    this.maxRecords = maxRecords;
  }

  public void load(GcsStore store) {
    expiry.clear();
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = store.iterator(Cf.SESSIONS, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        expiry.add(new Expiry(parse(it.value()).getLeaderTimeMs(), it.key()));
      }
    }
  }

  public static byte[] key(RequestId id) {
    return ByteBuffer.allocate(id.getClientId().size() + 8).put(id.getClientId().asReadOnlyByteBuffer())
        .putLong(id.getSeq()).array();
  }

  public Optional<CommandResult> lookup(Txn txn, RequestId id) {
    byte[] v = txn.get(Cf.SESSIONS, key(id));
    return v == null ? Optional.empty() : Optional.of(parse(v).getResult());
  }

  public void record(Txn txn, RequestId id, CommandResult result) {
    byte[] k = key(id);
    txn.put(Cf.SESSIONS, k, SessionRecord.newBuilder().setLeaderTimeMs(txn.leaderTimeMs()).setResult(result)
        .build().toByteArray());
    expiry.add(new Expiry(txn.leaderTimeMs(), k));
    while (expiry.size() > maxRecords) {
      txn.delete(Cf.SESSIONS, expiry.pollFirst().key());
    }
  }

  /** Drops records older than the TTL relative to {@code nowMs} (a leader time from the log). */
  public void expire(Txn txn, long nowMs) {
    long cutoff = nowMs - Limits.SESSION_TTL_MS;
    while (!expiry.isEmpty() && expiry.first().timeMs() < cutoff) {
      txn.delete(Cf.SESSIONS, expiry.pollFirst().key());
    }
  }

  public int size() {
    return expiry.size();
  }

  private static SessionRecord parse(byte[] v) {
    try {
      return SessionRecord.parseFrom(v);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt session record", e);
    }
  }
}
