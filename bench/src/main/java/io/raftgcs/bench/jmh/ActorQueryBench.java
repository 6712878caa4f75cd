package io.raftgcs.bench.jmh;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorFilters;
import io.raftgcs.proto.ActorPlacement;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.proto.Address;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.CommandHeader;
import io.raftgcs.proto.CreateActorRequest;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.GetAllActorInfoReply;
import io.raftgcs.proto.GetAllActorInfoRequest;
import io.raftgcs.proto.KillActorViaGcsRequest;
import io.raftgcs.proto.LogEntryPayload;
import io.raftgcs.proto.PlaceActors;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.QueryResult;
import io.raftgcs.proto.RegisterActorRequest;
import io.raftgcs.proto.RegisterNodeRequest;
import io.raftgcs.proto.ReportActorStartedRequest;
import io.raftgcs.statemachine.QueryHandler;
import io.raftgcs.statemachine.apply.CommandApplier;
import io.raftgcs.statemachine.apply.EventHistory;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * {@code GetAllActorInfo} over a large actor table: {@code actors} actors (default 100,000; 16-byte ids, 10 jobs,
 * every 10th named) are driven through the real {@link CommandApplier} into RocksDB in a temp dir, 256 commands
 * per entry, to a state mix of about 40 % ALIVE, 35 % DEAD, 10 % PENDING_CREATION (unplaced), 10 % RESTARTING
 * and 5 % DEPENDENCIES_UNREADY on 1,000 nodes. Loading 100,000 actors takes minutes, so the loaded store is kept
 * in {@code $TMPDIR/raftgcs-actor-query-bench-<actors>/} and reused by later trials and runs (delete it to load
 * again); every trial reopens it, rebuilding the index from the rows, and checks the index against a scan. Then
 * each benchmark answers one query as a replica does
 * ({@link QueryHandler#answer}, store snapshot + actor index + row reads) and serializes the result, as
 * {@code GcsStateMachine.query} does; no gRPC or ReadIndex round trip. {@code scan*} is the reader before the
 * index (every row parsed and filtered), for comparison. Mode: sample time, so JMH prints p50/p99.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ActorQueryBench {
  private static final int JOBS = 10;
  private static final int NODES = 1000;
  private static final int PER_ENTRY = 256;

  @Param("100000")
  public int actors;

  private Path dir;
  private GcsStore store;
  private CommandApplier applier;
  private long index;
  private long time = 1_700_000_000_000L;

  private Query aliveLimit100;
  private Query jobLimit100;
  private Query jobDeadLimit100;
  private Query restartingLimit100;
  private Query noFilterLimit100;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Path.of(System.getProperty("java.io.tmpdir"), "raftgcs-actor-query-bench-" + actors);
    Path loaded = dir.resolve("LOADED");
    String summary;
    if (Files.exists(loaded)) {
      summary = Files.readString(loaded);
    } else {
      deleteTree(dir);
      store = GcsStore.open(dir.resolve("db"));
      applier = new CommandApplier(new EventHistory(1000, 16L << 20));
      applier.load(store);
      long t0 = System.nanoTime();
      populate();
      summary = String.format("%d actors loaded through apply in %d ms (%s); states %s", applier.actorIndex().size(),
          (System.nanoTime() - t0) / 1_000_000, phases, states());
      store.close();
      applier = null;
      Files.writeString(loaded, summary);
    }
    store = GcsStore.open(dir.resolve("db"));
    System.gc();
    long heapBefore = usedHeap();
    applier = new CommandApplier(new EventHistory(1000, 16L << 20));
    long t1 = System.nanoTime();
    applier.load(store);
    long rebuildMs = (System.nanoTime() - t1) / 1_000_000;
    System.gc();
    long heapAfter = usedHeap();
    System.err.printf("%n[ActorQueryBench] %s; store cached in %s; index rebuilt on open in %d ms; heap %d MiB with"
        + " the applier loaded, %d MiB without%n", summary, dir, rebuildMs, heapAfter >> 20, heapBefore >> 20);

    aliveLimit100 = query(ActorFilters.newBuilder().setHasState(true).setState(ActorState.ALIVE), 100);
    jobLimit100 = query(ActorFilters.newBuilder().setJobId(jobId(3)), 100);
    jobDeadLimit100 = query(ActorFilters.newBuilder().setJobId(jobId(7)).setHasState(true)
        .setState(ActorState.DEAD), 100);
    restartingLimit100 = query(ActorFilters.newBuilder().setHasState(true).setState(ActorState.RESTARTING), 100);
    noFilterLimit100 = query(ActorFilters.newBuilder(), 100);
    for (Query q : List.of(aliveLimit100, jobLimit100, jobDeadLimit100, restartingLimit100, noFilterLimit100)) {
      GetAllActorInfoReply indexed = answer(q).getGetAllActorInfo();
      GetAllActorInfoReply scanned = scan(q.getGetAllActorInfo());
      if (!indexed.equals(scanned) || indexed.getActorTableDataCount() != 100) {
        throw new IllegalStateException("index and scan disagree for " + q.getGetAllActorInfo().getFilters());
      }
    }
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** Closes the store; the loaded store stays cached for the next trial (delete the folder to reload). */
  @TearDown(Level.Trial)
  public void close() {
    store.close();
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    }
  }

  // ---- the measured calls ----

  @Benchmark
  public byte[] stateFilterLimit100() {
    return answer(aliveLimit100).toByteArray();
  }

  @Benchmark
  public byte[] jobFilterLimit100() {
    return answer(jobLimit100).toByteArray();
  }

  @Benchmark
  public byte[] jobAndStateFilterLimit100() {
    return answer(jobDeadLimit100).toByteArray();
  }

  @Benchmark
  public byte[] rareStateFilterLimit100() {
    return answer(restartingLimit100).toByteArray();
  }

  @Benchmark
  public byte[] noFilterLimit100() {
    return answer(noFilterLimit100).toByteArray();
  }

  @Benchmark
  public byte[] scanStateFilterLimit100() {
    return scan(aliveLimit100.getGetAllActorInfo()).toByteArray();
  }

  @Benchmark
  public byte[] scanJobFilterLimit100() {
    return scan(jobLimit100.getGetAllActorInfo()).toByteArray();
  }

  private QueryResult answer(Query q) {
    return QueryHandler.answer(store, applier.actorIndex(), q);
  }

  /** The reader before the index: every row of one snapshot parsed and filtered; counts over all rows. */
  private GetAllActorInfoReply scan(GetAllActorInfoRequest req) {
    ActorFilters f = req.getFilters();
    GetAllActorInfoReply.Builder b = GetAllActorInfoReply.newBuilder();
    long total = 0;
    long filtered = 0;
    Snapshot snap = store.snapshot();
    try (ReadOptions ro = new ReadOptions().setSnapshot(snap); RocksIterator it = store.iterator(Cf.ACTORS, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        total++;
        ActorTableData a = ActorTableData.parseFrom(it.value());
        boolean match = (f.getActorId().isEmpty() || f.getActorId().equals(a.getActorId()))
            && (f.getJobId().isEmpty() || f.getJobId().equals(a.getJobId()))
            && (!f.getHasState() || f.getState() == a.getState())
            && (f.getName().isEmpty() || f.getName().equals(a.getName()))
            && (f.getNodeId().isEmpty() || f.getNodeId().equals(a.getNodeId()));
        if (!match) {
          filtered++;
        } else if (req.getLimit() <= 0 || b.getActorTableDataCount() < req.getLimit()) {
          b.addActorTableData(a);
        }
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    } finally {
      store.releaseSnapshot(snap);
    }
    return b.setTotal(total).setNumFiltered(filtered).build();
  }

  // ---- loading ----

  private static Query query(ActorFilters.Builder f, long limit) {
    return Query.newBuilder().setGetAllActorInfo(GetAllActorInfoRequest.newBuilder().setFilters(f).setLimit(limit))
        .build();
  }

  private static ByteString jobId(int j) {
    return ByteString.copyFrom(ByteBuffer.allocate(4).putInt(j + 1).array());
  }

  private static ByteString nodeId(int n) {
    return ByteString.copyFromUtf8(String.format("node-%04d", n));
  }

  /** What actor {@code i} ends as: 5 % never created, 10 % created only, 40 % alive, 10 % restarting, 35 % dead. */
  private static ActorState target(int i) {
    int k = i % 20;
    if (k == 0) {
      return ActorState.DEPENDENCIES_UNREADY;
    } else if (k <= 2) {
      return ActorState.PENDING_CREATION;
    } else if (k <= 10) {
      return ActorState.ALIVE;
    } else if (k <= 12) {
      return ActorState.RESTARTING;
    }
    return ActorState.DEAD;
  }

  private void populate() {
    Random r = new Random(42);
    List<Command> nodes = new ArrayList<>();
    for (int n = 0; n < NODES; n++) {
      nodes.add(cmd().setRegisterNode(RegisterNodeRequest.newBuilder().setNodeInfo(GcsNodeInfo.newBuilder()
          .setNodeId(nodeId(n)).putResourcesTotal("CPU", 1e9))).build());
    }
    applyAll(nodes);
    ByteString[] ids = new ByteString[actors];
    for (int i = 0; i < actors; i++) {
      byte[] id = new byte[16];
      r.nextBytes(id);
      ids[i] = ByteString.copyFrom(id);
    }
    applyAll(each(i -> cmd().setRegisterActor(RegisterActorRequest.newBuilder().setSpec(ActorTableData.newBuilder()
        .setActorId(ids[i]).setJobId(jobId(i % JOBS)).setName(i % 10 == 0 ? "actor-" + i : "")
        .setRayNamespace("bench").setClassName("Worker").setMaxRestarts(-1).putRequiredResources("CPU", 1)
        .setOwnerAddress(Address.newBuilder().setWorkerId(ByteString.copyFromUtf8("driver-" + i % JOBS)))))
        .build()));
    applyAll(each(i -> target(i) == ActorState.DEPENDENCIES_UNREADY ? null
        : cmd().setCreateActor(CreateActorRequest.newBuilder().setActorId(ids[i])).build()));
    // placements, 256 to a command (what the scheduler proposes)
    List<Command> places = new ArrayList<>();
    PlaceActors.Builder p = PlaceActors.newBuilder();
    for (int i = 0; i < actors; i++) {
      if (target(i).getNumber() >= ActorState.ALIVE.getNumber()) {
        p.addPlacements(ActorPlacement.newBuilder().setActorId(ids[i]).setNodeId(nodeId(i % NODES))
            .setExpectedAttempt(0));
      }
      if (p.getPlacementsCount() == PER_ENTRY) {
        places.add(cmd().setPlaceActors(p).build());
        p = PlaceActors.newBuilder();
      }
    }
    if (p.getPlacementsCount() > 0) {
      places.add(cmd().setPlaceActors(p).build());
    }
    applyAll(places);
    applyAll(each(i -> target(i).getNumber() < ActorState.ALIVE.getNumber() ? null
        : cmd().setReportActorStarted(ReportActorStartedRequest.newBuilder().setActorId(ids[i]).setAttempt(1)
            .setPid(1000 + i).setAddress(Address.newBuilder().setWorkerId(ByteString.copyFromUtf8("w" + i))
                .setIpAddress("10.0.0." + i % NODES).setPort(10_000 + i % 50_000))).build()));
    applyAll(each(i -> target(i) != ActorState.DEAD && target(i) != ActorState.RESTARTING ? null
        : cmd().setKillActor(KillActorViaGcsRequest.newBuilder().setActorId(ids[i])
            .setNoRestart(target(i) == ActorState.DEAD)).build()));
  }

  private List<Command> each(Function<Integer, Command> f) {
    List<Command> out = new ArrayList<>();
    for (int i = 0; i < actors; i++) {
      Command c = f.apply(i);
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }

  private Command.Builder cmd() {
    return Command.newBuilder().setHeader(CommandHeader.newBuilder().setLeaderTimeMs(++time));
  }

  private final StringBuilder phases = new StringBuilder();

  private void applyAll(List<Command> cmds) {
    long t0 = System.nanoTime();
    String what = cmds.isEmpty() ? "none" : cmds.get(0).getBodyCase().name().toLowerCase();
    for (int from = 0; from < cmds.size(); from += PER_ENTRY) {
      LogEntryPayload entry = LogEntryPayload.newBuilder()
          .addAllCommands(cmds.subList(from, Math.min(cmds.size(), from + PER_ENTRY))).build();
      applier.apply(store, 1, ++index, entry);
    }
    phases.append(phases.length() == 0 ? "" : ", ").append(what).append(' ')
        .append((System.nanoTime() - t0) / 1_000_000).append(" ms");
  }

  private Map<ActorState, Integer> states() {
    Map<ActorState, Integer> out = new EnumMap<>(ActorState.class);
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = store.iterator(Cf.ACTORS, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.merge(ActorTableData.parseFrom(it.value()).getState(), 1, Integer::sum);
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
