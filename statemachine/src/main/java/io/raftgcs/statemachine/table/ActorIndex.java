package io.raftgcs.statemachine.table;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorFilters;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.statemachine.store.GcsStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.rocksdb.Snapshot;

/**
 * In-memory secondary index of the actor table, for {@code GetAllActorInfo} and {@code GetNodeAssignments}: each
 * actor's filterable fields (id, job, state, name, node), the ids by state, by job, by name and by node in key
 * order, and a count per (job, state). A filtered query with a limit touches about {@code limit} entries and
 * fetches only the rows it returns. Derived state, never replicated: rebuilt from the store by
 * {@link ActorTable#load} (open, restart, snapshot install).
 *
 * <p>Consistency with the store: while apply builds an entry's batch it only stages changes ({@link #stage},
 * {@link #stageRemoval}); {@link #publish} writes the batch and applies the staged changes under the write lock.
 * A reader takes its RocksDB snapshot under the read lock ({@link #select}), so the ids and counts it gets
 * describe exactly the state that snapshot holds.
 *
 * <p>Threads: staging and {@link #publish} on the apply thread; {@link #select} on any thread. Hash maps are
 * only looked up, never iterated; every order comes from a sorted set.
 */
public final class ActorIndex {
  /** Ids in store key order (unsigned bytes), as a scan of the actors family returns them. */
  static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

  private record Entry(ByteString id, ByteString job, ActorState state, String name, ByteString node) {
    static Entry of(ActorTableData a) {
      return new Entry(a.getActorId(), a.getJobId(), a.getState(), a.getName(), a.getNodeId());
    }

    /** The same predicate a full scan applies to rows (filters are ANDed; an empty field does not filter). */
    boolean matches(ActorFilters f) {
      return (f.getActorId().isEmpty() || f.getActorId().equals(id))
          && (f.getJobId().isEmpty() || f.getJobId().equals(job))
          && (!f.getHasState() || f.getState() == state)
          && (f.getName().isEmpty() || f.getName().equals(name))
          && (f.getNodeId().isEmpty() || f.getNodeId().equals(node));
    }
  }

  /**
   * What a query selected, at one point of the store: {@code total} actors, {@code matched} of them passing the
   * filters, the first {@code ids} of those (at most the limit) in key order. The caller reads the rows from
   * {@code snapshot} and must release it.
   */
  public record Selection(Snapshot snapshot, long total, long matched, List<ByteString> ids) {}

  private static final int STATES = ActorState.values().length;

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final TreeMap<ByteString, Entry> all = new TreeMap<>(KEY_ORDER);
  private final Map<ActorState, NavigableSet<ByteString>> byState = new EnumMap<>(ActorState.class);
  private final Map<ByteString, NavigableSet<ByteString>> byJob = new HashMap<>();
  private final Map<String, NavigableSet<ByteString>> byName = new HashMap<>();
  private final Map<ByteString, NavigableSet<ByteString>> byNode = new HashMap<>();
  private final Map<ByteString, long[]> perJobState = new HashMap<>();
  /** Changes of the entry being applied, not visible to readers yet; a null value is a removal. */
  private final Map<ByteString, Entry> pending = new LinkedHashMap<>();

  // ---- apply thread ----

  /** Replaces the whole index with the rows {@code source} feeds (a scan of the store). */
  void rebuild(Consumer<Consumer<ActorTableData>> source) {
    lock.writeLock().lock();
    try {
      pending.clear();
      all.clear();
      byState.clear();
      byJob.clear();
      byName.clear();
      byNode.clear();
      perJobState.clear();
      source.accept(row -> put(Entry.of(row)));
    } finally {
      lock.writeLock().unlock();
    }
  }

  void stage(ActorTableData row) {
    pending.put(row.getActorId(), Entry.of(row));
  }

  void stageRemoval(ByteString id) {
    pending.put(id, null);
  }

  /** Forgets what an entry staged without publishing it (the start of every entry). */
  public void discardPending() {
    pending.clear();
  }

  /** Runs {@code storeWrite} (the entry's batch) and makes the staged changes visible, atomically for readers. */
  public void publish(Runnable storeWrite) {
    lock.writeLock().lock();
    try {
      storeWrite.run();
      for (Map.Entry<ByteString, Entry> e : pending.entrySet()) {
        if (e.getValue() == null) {
          remove(e.getKey());
        } else {
          put(e.getValue());
        }
      }
    } finally {
      pending.clear();
      lock.writeLock().unlock();
    }
  }

  private void put(Entry e) {
    remove(e.id());
    all.put(e.id(), e);
    add(byState, e.state(), e.id());
    add(byJob, e.job(), e.id());
    if (!e.name().isEmpty()) {
      add(byName, e.name(), e.id());
    }
    if (!e.node().isEmpty()) {
      add(byNode, e.node(), e.id());
    }
    perJobState.computeIfAbsent(e.job(), j -> new long[STATES])[e.state().ordinal()]++;
  }

  private void remove(ByteString id) {
    Entry e = all.remove(id);
    if (e == null) {
      return;
    }
    drop(byState, e.state(), id);
    drop(byJob, e.job(), id);
    drop(byName, e.name(), id);
    drop(byNode, e.node(), id);
    perJobState.get(e.job())[e.state().ordinal()]--;
    if (!byJob.containsKey(e.job())) {
      perJobState.remove(e.job());   // the job's last actor
    }
  }

  private static <K> void add(Map<K, NavigableSet<ByteString>> m, K k, ByteString id) {
    m.computeIfAbsent(k, x -> new TreeSet<>(KEY_ORDER)).add(id);
  }

  private static <K> void drop(Map<K, NavigableSet<ByteString>> m, K k, ByteString id) {
    NavigableSet<ByteString> s = m.get(k);
    if (s != null && s.remove(id) && s.isEmpty()) {
      m.remove(k);
    }
  }

  // ---- any thread ----

  /**
   * Takes a store snapshot and selects, at exactly that point, the actors passing {@code f}: the first
   * {@code limit} ids in key order ({@code limit <= 0}: all), the number that pass and the total.
   */
  public Selection select(GcsStore store, ActorFilters f, long limit) {
    lock.readLock().lock();
    try {
      Snapshot snap = store.snapshot();
      try {
        return select(snap, f, limit);
      } catch (RuntimeException e) {
        store.releaseSnapshot(snap);
        throw e;
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  private Selection select(Snapshot snap, ActorFilters f, long limit) {
    long known = exactCount(f);
    long cap = limit > 0 ? limit : Long.MAX_VALUE;
    List<ByteString> ids = new ArrayList<>((int) Math.min(cap, 1024));
    long matched = 0;
    for (ByteString id : candidates(f)) {
      if (known >= 0 && ids.size() >= cap) {
        break;   // the count is known without looking further
      }
      Entry e = all.get(id);
      if (e != null && e.matches(f)) {
        matched++;
        if (ids.size() < cap) {
          ids.add(id);
        }
      }
    }
    return new Selection(snap, all.size(), known >= 0 ? known : matched, ids);
  }

  /** The number of actors passing {@code f} when the index knows it without iterating, else -1. */
  private long exactCount(ActorFilters f) {
    boolean id = !f.getActorId().isEmpty();
    boolean job = !f.getJobId().isEmpty();
    boolean state = f.getHasState();
    boolean name = !f.getName().isEmpty();
    boolean node = !f.getNodeId().isEmpty();
    if (id || name && (job || state || node) || node && (job || state)) {
      return -1;
    }
    if (name) {
      return size(byName.get(f.getName()));
    }
    if (node) {
      return size(byNode.get(f.getNodeId()));
    }
    if (job && state) {
      long[] c = perJobState.get(f.getJobId());
      return c == null || f.getState() == ActorState.UNRECOGNIZED ? 0 : c[f.getState().ordinal()];
    }
    if (job) {
      return size(byJob.get(f.getJobId()));
    }
    if (state) {
      return size(byState.get(f.getState()));
    }
    return all.size();
  }

  /** The smallest id set that holds every actor passing {@code f}, in key order. */
  private Collection<ByteString> candidates(ActorFilters f) {
    if (!f.getActorId().isEmpty()) {
      return all.containsKey(f.getActorId()) ? List.of(f.getActorId()) : List.of();
    }
    Collection<ByteString> best = all.navigableKeySet();
    if (f.getHasState()) {
      best = smaller(best, byState.get(f.getState()));
    }
    if (!f.getJobId().isEmpty()) {
      best = smaller(best, byJob.get(f.getJobId()));
    }
    if (!f.getName().isEmpty()) {
      best = smaller(best, byName.get(f.getName()));
    }
    if (!f.getNodeId().isEmpty()) {
      best = smaller(best, byNode.get(f.getNodeId()));
    }
    return best;
  }

  private static Collection<ByteString> smaller(Collection<ByteString> a, NavigableSet<ByteString> b) {
    if (b == null) {
      return List.of();
    }
    return b.size() < a.size() ? b : a;
  }

  private static long size(NavigableSet<ByteString> s) {
    return s == null ? 0 : s.size();
  }

  /** Number of indexed actors (tests and diagnostics). */
  public int size() {
    lock.readLock().lock();
    try {
      return all.size();
    } finally {
      lock.readLock().unlock();
    }
  }
}
