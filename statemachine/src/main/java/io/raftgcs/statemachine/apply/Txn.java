package io.raftgcs.statemachine.apply;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventKind;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/**
 * The writes and events of one log entry. Reads see the entry's own earlier writes (a batch may hold
 * several commands), and nothing reaches the store until {@link CommandApplier} writes the whole batch.
 *
 * <p>Called only on the Ratis apply thread; soft, per-entry state.
 */
public final class Txn implements AutoCloseable {
  private final GcsStore store;
  private final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
  private final ReadOptions readOptions = new ReadOptions();
  private final List<Event> events = new ArrayList<>();
  private final long term;
  private final long revision;
  private long leaderTimeMs;

  public Txn(GcsStore store, long term, long revision) {
    this.store = store;
    this.term = term;
    this.revision = revision;
  }

  public long revision() {
    return revision;
  }

  public long term() {
    return term;
  }

  /** Leader time of the command being applied (from its header; never a local clock). */
  public long leaderTimeMs() {
    return leaderTimeMs;
  }

  void setLeaderTimeMs(long t) {
    leaderTimeMs = t;
  }

  public byte[] get(Cf cf, byte[] key) {
    try {
      return batch.getFromBatchAndDB(store.db(), store.handle(cf), readOptions, key);
    } catch (RocksDBException e) {
      throw new GcsStore.StoreException("read in batch failed in " + cf, e);
    }
  }

  public void put(Cf cf, byte[] key, byte[] value) {
    try {
      batch.put(store.handle(cf), key, value);
    } catch (RocksDBException e) {
      throw new GcsStore.StoreException("batch put failed in " + cf, e);
    }
  }

  public void delete(Cf cf, byte[] key) {
    try {
      batch.delete(store.handle(cf), key);
    } catch (RocksDBException e) {
      throw new GcsStore.StoreException("batch delete failed in " + cf, e);
    }
  }

  /** Visits, in key order, every (key, value) whose key starts with {@code prefix}, including batch writes. */
  public void scanPrefix(Cf cf, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
    try (RocksIterator base = store.iterator(cf, readOptions);
        RocksIterator it = batch.newIteratorWithBase(store.handle(cf), base)) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (!startsWith(k, prefix)) {
          break;
        }
        visitor.accept(k, it.value());
      }
    }
  }

  public void emit(Channel channel, String namespace, byte[] key, EventKind kind, byte[] value) {
    events.add(Event.newBuilder().setRevision(revision).setChannel(channel).setNamespace(namespace)
        .setKey(ByteString.copyFrom(key)).setKind(kind)
        .setValue(value == null ? ByteString.EMPTY : ByteString.copyFrom(value)).build());
  }

  public List<Event> events() {
    return events;
  }

  WriteBatchWithIndex batch() {
    return batch;
  }

  public static boolean startsWith(byte[] k, byte[] prefix) {
    return k.length >= prefix.length && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length);
  }

  @Override
  public void close() {
    readOptions.close();
    batch.close();
  }
}
