package io.raftgcs.statemachine.table;

import io.raftgcs.statemachine.apply.Txn;
import io.raftgcs.statemachine.store.Cf;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The create revision of recently read or written KV rows, so that a put need not read the old row from
 * RocksDB only to learn whether it exists and when it was created. Under 64-client puts that read was 30 %
 * of every replica's apply thread (RESULTS, round 8): a Get through the memtables and the table files.
 *
 * <p>A cache of the store, never a source of truth: every entry mirrors a committed row (or its absence is
 * simply not cached), so results are identical with or without it, on every replica. The rows an entry
 * writes are held aside until {@link io.raftgcs.statemachine.apply.CommandApplier} has written the entry's
 * batch ({@link #commit}) and dropped if it is not ({@link #discard}). Bounded to {@code capacity} rows,
 * least recently used first out ({@link io.raftgcs.statemachine.Limits#KV_CREATE_REVISION_CACHE_ROWS});
 * emptied when the store is reopened or replaced by a snapshot.
 *
 * <p>Apply thread only. Soft state.
 */
public final class KvCreateRevisions {
  /** In {@link #pending}: the entry deletes the row. Revisions are log indexes, always positive. */
  private static final long DELETED = 0;

  /** A row key with its hash computed once; the array is never modified once here. */
  private static final class RowKey {
    private final byte[] bytes;
    private final int hash;

    RowKey(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RowKey other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private final Map<RowKey, Long> committed;
  /** In the entry's order, so that the recency order of {@link #committed} is the same on every replica. */
  private final Map<RowKey, Long> pending = new LinkedHashMap<>();

  public KvCreateRevisions(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.committed = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<RowKey, Long> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The row's create revision as the entry being applied sees it, or 0 if the row does not exist. */
  long lookup(Txn txn, byte[] rowKey) {
    RowKey k = new RowKey(rowKey);
    Long rev = pending.get(k);
    if (rev == null) {
      rev = committed.get(k);
    }
    if (rev != null) {
      return rev;
    }
    // Every write of a KV row goes through put/delete below, so with nothing pending for this key the
    // store's row is the committed one and may be cached as it is.
    byte[] row = txn.get(Cf.KV, rowKey);
    if (row == null) {
      return DELETED;
    }
    long created = KvTable.parse(row).getCreateRevision();
    committed.put(k, created);
    return created;
  }

  void put(byte[] rowKey, long createRevision) {
    pending.put(new RowKey(rowKey), createRevision);
  }

  void delete(byte[] rowKey) {
    pending.put(new RowKey(rowKey), DELETED);
  }

  /** The entry's batch is in the store: its rows become the committed ones. */
  public void commit() {
    for (Map.Entry<RowKey, Long> e : pending.entrySet()) {
      if (e.getValue() == DELETED) {
        committed.remove(e.getKey());
      } else {
        committed.put(e.getKey(), e.getValue());
      }
    }
    pending.clear();
  }

  /** The entry's batch was not written: forget its rows. */
  public void discard() {
    pending.clear();
  }

  /** The store was reopened or replaced. */
  public void clear() {
    pending.clear();
    committed.clear();
  }

  int size() {
    return committed.size();
  }
}
