package io.raftgcs.statemachine.apply;

import io.raftgcs.proto.EventBatch;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * The persisted, bounded history of event batches (one per revision that changed something), written in
 * the same RocksDB batch as the changes themselves, so history survives restarts and arrives with a
 * snapshot install. Bounds (count of revisions, bytes) are this replica's configuration; the events family
 * is therefore not part of the state digest.
 *
 * <p>Apply thread only for writes; {@link #oldestRevision()} may be read from any thread.
 */
public final class EventHistory {
  private record Entry(long revision, int bytes) {}

  public static final byte[] TRIMMED_KEY =
      "events_trimmed_before".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final long maxRevisions;
  private final long maxBytes;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long totalBytes;
  /** Oldest revision a subscriber may start from: everything at or after it is still in history. */
  private volatile long oldestRevision = 1;

  public EventHistory(long maxRevisions, long maxBytes) {
    if (maxRevisions < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("event history bounds must be positive");
    }
    this.maxRevisions = maxRevisions;
    this.maxBytes = maxBytes;
  }

  public static byte[] key(long revision) {
    return ByteBuffer.allocate(8).putLong(revision).array();
  }

  public static long revisionOf(byte[] key) {
    return ByteBuffer.wrap(key).getLong();
  }

  /** Rebuilds the bookkeeping from the store. */
  public void load(GcsStore store) {
    byte[] floor = store.get(Cf.META, TRIMMED_KEY);
    long trimmedBefore = floor == null ? 1 : revisionOf(floor);
    entries.clear();
    totalBytes = 0;
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = store.iterator(Cf.EVENTS, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        entries.add(new Entry(revisionOf(it.key()), it.value().length));
        totalBytes += it.value().length;
      }
    }
    oldestRevision = Math.max(1, trimmedBefore);
  }

  void append(Txn txn, EventBatch batch) {
    byte[] bytes = batch.toByteArray();
    txn.put(Cf.EVENTS, key(batch.getRevision()), bytes);
    entries.addLast(new Entry(batch.getRevision(), bytes.length));
    totalBytes += bytes.length;
  }

  /** Drops the oldest batches beyond the bounds; records the new floor in the meta family. */
  void trim(Txn txn) {
    boolean trimmed = false;
    while (entries.size() > 1 && (entries.size() > maxRevisions || totalBytes > maxBytes)) {
      Entry e = entries.pollFirst();
      txn.delete(Cf.EVENTS, key(e.revision()));
      totalBytes -= e.bytes();
      oldestRevision = e.revision() + 1;
      trimmed = true;
    }
    if (trimmed) {
      txn.put(Cf.META, TRIMMED_KEY, key(oldestRevision));
    }
  }

  public long oldestRevision() {
    return oldestRevision;
  }

  public int size() {
    return entries.size();
  }
}
