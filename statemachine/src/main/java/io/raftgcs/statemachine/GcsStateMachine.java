package io.raftgcs.statemachine;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftgcs.proto.ApplyResult;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.LogEntryPayload;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.QueryResult;
import io.raftgcs.statemachine.apply.CommandApplier;
import io.raftgcs.statemachine.apply.EventHistory;
import io.raftgcs.statemachine.snapshot.CheckpointSnapshots;
import io.raftgcs.statemachine.store.GcsStore;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine: a thin adapter from Ratis's callbacks to {@link CommandApplier} (writes),
 * {@link QueryHandler} (reads) and {@link CheckpointSnapshots} (snapshots) over one {@link GcsStore}.
 *
 * <p>Threads: apply, snapshot and reinitialize run on the Ratis StateMachineUpdater thread; queries on
 * Ratis/gRPC threads. The store is replicated state; {@code lock} only keeps readers off a store that is
 * being swapped during snapshot install. Replay after restart starts at the snapshot index; entries the
 * store already holds ({@code index <= dbAppliedIndex}) are skipped, so replay is idempotent.
 */
public final class GcsStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(GcsStateMachine.class);

  private final Path dbDir;
  private final CommandApplier applier;
  private final List<StateMachineListener> listeners = new CopyOnWriteArrayList<>();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final AppliedIndexWaiters waiters = new AppliedIndexWaiters();
  private final Consumer<Throwable> fatal;
  private final Storage storage = new Storage();

  private volatile GcsStore store;
  private CheckpointSnapshots snapshots;
  private volatile SnapshotInfo latestSnapshot;
  private long dbAppliedIndex;
  /** Last digest computed; valid while the store's applied index has not moved (state changes only by apply). */
  private volatile StateDigest.Value digestCache;

  /**
   * @param dbDir folder of the live RocksDB; must not be inside the Ratis storage folder
   * @param fatal called when the store fails inside apply; the replica must stop rather than diverge
   */
  public GcsStateMachine(Path dbDir, EventHistory history, Consumer<Throwable> fatal) {
    this.dbDir = dbDir;
    this.applier = new CommandApplier(history);
    this.fatal = fatal;
  }

  public void addListener(StateMachineListener l) {
    listeners.add(l);
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    snapshots = new CheckpointSnapshots(raftStorage.getStorageDir().getStateMachineDir().toPath());
    getLifeCycle().startAndTransition(() -> openStore(false), IOException.class);
  }

  /** Opens the live store, seeding it from the newest snapshot when it is missing or older than it. */
  private void openStore(boolean forceFromSnapshot) throws IOException {
    Optional<CheckpointSnapshots.Snapshot> snap = snapshots.latest();
    boolean missing = !Files.exists(dbDir.resolve("CURRENT"));
    if (snap.isPresent() && (missing || forceFromSnapshot)) {
      snapshots.restoreInto(snap.get(), dbDir);
    }
    GcsStore s = GcsStore.open(dbDir);
    long[] applied = s.appliedTermIndex(null);
    if (snap.isPresent() && applied[1] < snap.get().termIndex().getIndex()) {
      LOG.warn("store at {} is behind snapshot {}; restoring from the snapshot", applied[1], snap.get().termIndex());
      s.close();
      snapshots.restoreInto(snap.get(), dbDir);
      s = GcsStore.open(dbDir);
      applied = s.appliedTermIndex(null);
    }
    applier.load(s);
    dbAppliedIndex = applied[1];
    latestSnapshot = snap.map(CheckpointSnapshots.Snapshot::info).orElse(null);
    if (snap.isPresent()) {
      setLastAppliedTermIndex(snap.get().termIndex());
    }
    store = s;
    digestCache = null;
    waiters.advance(dbAppliedIndex);
    for (StateMachineListener l : listeners) {
      l.onReloaded(dbAppliedIndex);
    }
    LOG.info("store open at {}: applied index {}, snapshot {}", dbDir, dbAppliedIndex,
        snap.map(x -> x.termIndex().toString()).orElse("none"));
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long term = entry.getTerm();
    long index = entry.getIndex();
    ApplyResult result;
    EventBatch events = null;
    lock.readLock().lock();
    try {
      if (index <= dbAppliedIndex) {
        result = ApplyResult.newBuilder().setRevision(index).build();
      } else {
        CommandApplier.Applied applied = applier.apply(store, term, index, decode(entry));
        dbAppliedIndex = index;
        result = applied.result();
        events = applied.events();
      }
    } catch (RuntimeException e) {
      fatal.accept(e);
      return CompletableFuture.failedFuture(e);
    } finally {
      lock.readLock().unlock();
    }
    updateLastAppliedTermIndex(term, index);
    waiters.advance(index);
    if (events != null) {
      for (StateMachineListener l : listeners) {
        try {
          l.onApplied(index, events);
        } catch (RuntimeException e) {
          // Listeners hold soft state only; a bug in one must never fail the entry on this replica.
          LOG.error("listener {} failed on entry {}", l.getClass().getSimpleName(), index, e);
        }
      }
    }
    return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(result.toByteArray())));
  }

  private static LogEntryPayload decode(LogEntryProto entry) {
    try {
      return LogEntryPayload.parseFrom(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
    } catch (InvalidProtocolBufferException e) {
      // Undecodable bytes apply as an entry with no commands: every replica does the same.
      LOG.error("entry {} is not a LogEntryPayload; applying it as empty", entry.getIndex());
      return LogEntryPayload.getDefaultInstance();
    }
  }

  /** Linearizable read: Ratis calls this after the ReadIndex has been applied here. */
  @Override
  public CompletableFuture<Message> query(Message request) {
    if (request.getContent().isEmpty()) {
      // A read barrier: Ratis has already waited until this replica applied the read index.
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
    try {
      Query q = Query.parseFrom(request.getContent().asReadOnlyByteBuffer());
      QueryResult r = queryLocal(q);
      return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(r.toByteArray())));
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Answers from this replica's applied state, whatever it is (a stale read). */
  public QueryResult queryLocal(Query q) {
    lock.readLock().lock();
    try {
      return QueryHandler.answer(store, applier.actorIndex(), q);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Completes when this replica has applied {@code index}. */
  public CompletableFuture<Long> awaitApplied(long index) {
    return waiters.await(index);
  }

  public StateDigest.Value digest() {
    lock.readLock().lock();
    try {
      StateDigest.Value cached = digestCache;
      if (cached != null && cached.index() == store.appliedTermIndex(null)[1]) {
        return cached;
      }
      StateDigest.Value v = StateDigest.compute(store);
      digestCache = v;
      return v;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Runs {@code reader} against the live store under the read lock (event history, tables). */
  public <T> T read(java.util.function.Function<GcsStore, T> reader) {
    lock.readLock().lock();
    try {
      return reader.apply(store);
    } finally {
      lock.readLock().unlock();
    }
  }

  public long appliedIndex() {
    return dbAppliedIndex;
  }

  public EventHistory eventHistory() {
    return applier.history();
  }

  @Override
  public long takeSnapshot() throws IOException {
    TermIndex ti = getLastAppliedTermIndex();
    if (ti == null || ti.getIndex() < dbAppliedIndex) {
      // Still replaying entries the store already holds: its image is ahead of ti, so not a snapshot of ti.
      return latestSnapshot == null ? RaftLog.INVALID_LOG_INDEX : latestSnapshot.getIndex();
    }
    lock.readLock().lock();
    try {
      CheckpointSnapshots.Snapshot snap = snapshots.take(store, ti);
      latestSnapshot = snap.info();
      LOG.info("snapshot taken at {}", ti);
      return ti.getIndex();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    return latestSnapshot;
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public void pause() {
    LifeCycle lc = getLifeCycle();
    if (lc.getCurrentState() == LifeCycle.State.RUNNING) {
      lc.transition(LifeCycle.State.PAUSING);
      lc.transition(LifeCycle.State.PAUSED);
    }
  }

  /** After Ratis installed a snapshot from the leader into {@code sm/}: swap the live store for it. */
  @Override
  public void reinitialize() throws IOException {
    lock.writeLock().lock();
    try {
      if (store != null) {
        store.close();
        store = null;
      }
      getLifeCycle().startAndTransition(() -> openStore(true), IOException.class);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
    String id = newLeaderId == null ? "" : newLeaderId.toString();
    for (StateMachineListener l : listeners) {
      l.onLeaderChanged(id);
    }
  }

  @Override
  public void notifyLeaderReady() {
    for (StateMachineListener l : listeners) {
      l.onLeaderReady();
    }
  }

  @Override
  public void notifyNotLeader(java.util.Collection<TransactionContext> pending) {
    for (StateMachineListener l : listeners) {
      l.onNotLeader();
    }
  }

  @Override
  public void close() throws IOException {
    lock.writeLock().lock();
    try {
      super.close();
      if (store != null) {
        store.close();
        store = null;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Ratis only needs the folder; snapshots are managed by {@link CheckpointSnapshots}. */
  private final class Storage implements StateMachineStorage {
    private File smDir;

    @Override
    public void init(RaftStorage raftStorage) {
      smDir = raftStorage.getStorageDir().getStateMachineDir();
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
      return latestSnapshot;
    }

    @Override
    public void format() {}

    @Override
    public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) {}

    @Override
    public File getSnapshotDir() {
      return smDir;
    }
  }
}
