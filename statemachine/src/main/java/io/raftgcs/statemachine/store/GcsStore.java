package io.raftgcs.statemachine.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * One replica's RocksDB: a column family per table. The Raft log is the write-ahead log, so RocksDB's own
 * WAL is off and flushes are atomic across families: a crash rolls the whole store back to its last flush,
 * never to a state where one table saw an entry and another did not. Replay from the Raft log then redoes
 * everything after the persisted applied index.
 *
 * <p>Thread-safety: RocksDB handles concurrent readers; the single writer is the Ratis apply thread.
 * Opening and closing is guarded by the owner ({@code GcsStateMachine}).
 */
public final class GcsStore implements AutoCloseable {
  static {
    RocksNativeLibrary.load();
  }

  /**
   * Off-heap memory of one replica's store: one LRU cache of {@link #CACHE_BYTES}. The memtables of all
   * families together stay under {@link #MEMTABLE_BUDGET_BYTES} and are charged to that cache (RocksDB's
   * Java API ties a write-buffer manager to a cache), so data blocks always keep at least the difference.
   * A cache no larger than the budget held no data blocks under sustained writes, and every read of a
   * replaced row went to the file and decompressed a block (RESULTS, round 5).
   *
   * <p>Index and filter blocks are outside the cache, held by each open table file's reader (RocksDB's
   * default): about 5 % of the table files' size (1.4 MB for the benchmark's 25 MB of tables). Kept in the cache, they
   * were evicted under writes, and then every read of a row re-read and decompressed the whole index block
   * of each table it looked in: up to half a follower's CPU under 64-client puts (RESULTS, round 6).
   */
  public static final long MEMTABLE_BUDGET_BYTES = 64L << 20;
  public static final long MEMTABLE_BYTES = 16L << 20;
  public static final long CACHE_BYTES = 96L << 20;
  private static final int CACHE_SHARD_BITS = 2;
  /** Share of each memtable given to its whole-key Bloom filter. */
  private static final double MEMTABLE_BLOOM_RATIO = 0.1;

  public static final byte[] APPLIED_KEY = "applied".getBytes(StandardCharsets.UTF_8);

  private final Path dir;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final LRUCache blockCache;
  private final WriteBufferManager writeBuffers;
  private final BloomFilter bloom;
  private final RocksDB db;
  private final Map<Cf, ColumnFamilyHandle> handles = new EnumMap<>(Cf.class);
  private final List<ColumnFamilyHandle> allHandles = new ArrayList<>();
  private final WriteOptions writeOptions;

  private GcsStore(Path dir) throws RocksDBException, IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    // 4 shards of 24 MiB, not the default 64 of 1.5 MiB: the write-buffer manager's 256 KiB placeholders
    // land on shards by hash, and a small shard could hold nothing but placeholders.
    blockCache = new LRUCache(CACHE_BYTES, CACHE_SHARD_BITS);
    writeBuffers = new WriteBufferManager(MEMTABLE_BUDGET_BYTES, blockCache);
    bloom = new BloomFilter(10);
    dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true).setAtomicFlush(true)
        .setMaxBackgroundJobs(2).setWriteBufferManager(writeBuffers);
    // Every put reads the row it replaces (create revision, "added") and its session record: Bloom filters,
    // on each memtable and on each table file (always in memory, see above), answer the misses without
    // searching a memtable or touching a block, and memtables large enough for a burst keep flushes and
    // compactions (all families flush together) rare.
    cfOptions = new ColumnFamilyOptions().setWriteBufferSize(MEMTABLE_BYTES)
        .setMemtableWholeKeyFiltering(true).setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO)
        .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache).setFilterPolicy(bloom)
            .setCacheIndexAndFilterBlocks(false));
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    for (Cf cf : Cf.values()) {
      descriptors.add(new ColumnFamilyDescriptor(cf.familyName().getBytes(StandardCharsets.UTF_8), cfOptions));
    }
    db = RocksDB.open(dbOptions, dir.toString(), descriptors, allHandles);
    for (Cf cf : Cf.values()) {
      handles.put(cf, allHandles.get(cf.ordinal() + 1));
    }
    writeOptions = new WriteOptions().setDisableWAL(true);
  }

  public static GcsStore open(Path dir) throws IOException {
    try {
      return new GcsStore(dir);
    } catch (RocksDBException e) {
      throw new IOException("cannot open RocksDB at " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  public ColumnFamilyHandle handle(Cf cf) {
    return handles.get(cf);
  }

  public byte[] get(Cf cf, byte[] key) {
    try {
      return db.get(handles.get(cf), key);
    } catch (RocksDBException e) {
      throw new StoreException("read failed in " + cf, e);
    }
  }

  public byte[] get(ReadOptions ro, Cf cf, byte[] key) {
    try {
      return db.get(handles.get(cf), ro, key);
    } catch (RocksDBException e) {
      throw new StoreException("read failed in " + cf, e);
    }
  }

  public RocksIterator iterator(Cf cf, ReadOptions ro) {
    return db.newIterator(handles.get(cf), ro);
  }

  public Snapshot snapshot() {
    return db.getSnapshot();
  }

  public void releaseSnapshot(Snapshot s) {
    db.releaseSnapshot(s);
  }

  public RocksDB db() {
    return db;
  }

  public void write(WriteBatchWithIndex batch) {
    try {
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw new StoreException("write failed", e);
    }
  }

  /** Last applied (term, index) persisted in the store, or {@code {0, 0}} for an empty store. */
  public long[] appliedTermIndex(ReadOptions ro) {
    byte[] v = ro == null ? get(Cf.META, APPLIED_KEY) : get(ro, Cf.META, APPLIED_KEY);
    if (v == null) {
      return new long[] {0, 0};
    }
    ByteBuffer b = ByteBuffer.wrap(v);
    return new long[] {b.getLong(), b.getLong()};
  }

  public static byte[] encodeApplied(long term, long index) {
    return ByteBuffer.allocate(16).putLong(term).putLong(index).array();
  }

  public void flush() {
    try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
      db.flush(fo, allHandles);
    } catch (RocksDBException e) {
      throw new StoreException("flush failed", e);
    }
  }

  /** Hard-link checkpoint of the whole store (flushes memtables first). */
  public void checkpoint(Path target) throws IOException {
    flush();
    try (Checkpoint cp = Checkpoint.create(db)) {
      cp.createCheckpoint(target.toString());
    } catch (RocksDBException e) {
      throw new IOException("checkpoint to " + target + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    for (ColumnFamilyHandle h : allHandles) {
      h.close();
    }
    db.close();
    writeOptions.close();
    cfOptions.close();
    dbOptions.close();
    writeBuffers.close();
    blockCache.close();
    bloom.close();
  }

  /** A storage failure: never recoverable inside apply (the replica must stop rather than diverge). */
  public static final class StoreException extends RuntimeException {
    public StoreException(String msg, Throwable cause) {
      super(msg + ": " + cause.getMessage(), cause);
    }
  }
}
