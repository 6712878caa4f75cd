package io.raftgcs.statemachine;

import static io.raftgcs.statemachine.Fixture.put;
import static io.raftgcs.statemachine.Fixture.rid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgcs.proto.ActorFilters;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.proto.ApplyResult;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.GetAllActorInfoReply;
import io.raftgcs.proto.InternalKVGetRequest;
import io.raftgcs.proto.LogEntryPayload;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.QueryResult;
import io.raftgcs.statemachine.apply.EventHistory;
import io.raftgcs.statemachine.snapshot.CheckpointSnapshots;
import java.io.File;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.server.storage.RaftStorageDirectory;
import org.apache.ratis.server.storage.RaftStorageMetadataFile;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ratis adapter driven by hand, without a Raft server: apply, replay after restart, snapshots,
 * snapshot install. Log entries are built as Ratis would hand them over.
 */
class GcsStateMachineTest {
  @TempDir Path tmp;
  private final List<GcsStateMachine> open = new ArrayList<>();
  private final List<Throwable> fatals = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void closeAll() throws Exception {
    for (GcsStateMachine sm : open) {
      sm.close();
    }
    assertEquals(List.of(), fatals, "no fatal store errors");
  }

  /** A replica's folders: the Raft storage root (with sm/ inside) and the live DB next to it. */
  private GcsStateMachine start(String name) throws Exception {
    Path root = tmp.resolve(name);
    GcsStateMachine sm = new GcsStateMachine(root.resolve("db"), new EventHistory(1000, 1 << 20), fatals::add);
    sm.initialize(stubServer(name), RaftGroupId.randomId(), stubStorage(root.resolve("raft").toFile()));
    open.add(sm);
    return sm;
  }

  private void stop(GcsStateMachine sm) throws Exception {
    open.remove(sm);
    sm.close();
  }

  private static Path smDir(Path tmp, String name) {
    return tmp.resolve(name).resolve("raft").resolve("sm");
  }

  static LogEntryPayload entry(int i) {
    return LogEntryPayload.newBuilder()
        .addCommands(put("ns", "k" + (i % 13), "v" + i, true, rid(1, i), 1_000L * i))
        .addCommands(put("ns", "n" + i, "x", false)).build();
  }

  private static ApplyResult applyRaw(GcsStateMachine sm, long term, long index, byte[] data) throws Exception {
    LogEntryProto e = LogEntryProto.newBuilder().setTerm(term).setIndex(index)
        .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder().setLogData(ByteString.copyFrom(data)))
        .build();
    TransactionContext trx = TransactionContext.newBuilder().setServerRole(RaftPeerRole.FOLLOWER)
        .setStateMachine(sm).setLogEntry(e).build();
    Message m = sm.applyTransaction(trx).get();
    return ApplyResult.parseFrom(m.getContent().toByteArray());
  }

  private static void applyRange(GcsStateMachine sm, int from, int to) throws Exception {
    for (int i = from; i <= to; i++) {
      ApplyResult r = applyRaw(sm, 1, i, entry(i).toByteArray());
      assertEquals(i, r.getRevision());
    }
  }

  /** Digest of a plain store that applied entries 1..n once: what every replica must reach. */
  private String reference(int n) throws Exception {
    try (Fixture f = Fixture.open(tmp.resolve("ref-" + n))) {
      for (int i = 1; i <= n; i++) {
        f.applier.apply(f.store, 1, i, entry(i));
      }
      return f.digest().hex();
    }
  }

  @Test
  void appliesEntriesAnswersQueriesAndNotifies() throws Exception {
    GcsStateMachine sm = start("a");
    List<EventBatch> heard = Collections.synchronizedList(new ArrayList<>());
    sm.addListener(new StateMachineListener() {
      @Override
      public void onApplied(long index, EventBatch events) {
        heard.add(events);
      }
    });
    CompletableFuture<Long> waiting = sm.awaitApplied(2);
    ApplyResult r1 = applyRaw(sm, 1, 1, entry(1).toByteArray());
    assertEquals(2, r1.getResultsCount());
    assertTrue(r1.getResults(0).getKvPut().getAdded());
    assertFalse(waiting.isDone());
    applyRaw(sm, 1, 2, entry(2).toByteArray());
    assertTrue(waiting.isDone());
    assertEquals(2, sm.appliedIndex());
    assertEquals(TermIndex.valueOf(1, 2), sm.getLastAppliedTermIndex());
    assertEquals(List.of(1L, 2L), heard.stream().map(EventBatch::getRevision).toList());
    assertEquals(2, heard.get(1).getEventsCount());

    Query q = Query.newBuilder().setKvGet(InternalKVGetRequest.newBuilder().setNamespace("ns")
        .setKey(Fixture.bs("k2"))).build();
    Message reply = sm.query(Message.valueOf(ByteString.copyFrom(q.toByteArray()))).get();
    QueryResult qr = QueryResult.parseFrom(reply.getContent().toByteArray());
    assertEquals(2, qr.getRevision());
    assertEquals("v2", qr.getKvGet().getValue().toStringUtf8());
    assertEquals(qr, sm.queryLocal(q));
    assertTrue(sm.query(Message.valueOf(ByteString.copyFromUtf8("\u00ff\u00ff not a query")))
        .isCompletedExceptionally());
    assertEquals(reference(2), sm.digest().hex());
  }

  @Test
  void undecodableEntryAppliesAsEmptyAndAdvances() throws Exception {
    GcsStateMachine sm = start("a");
    applyRange(sm, 1, 3);
    String before = sm.digest().hex();
    ApplyResult r = applyRaw(sm, 1, 4, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});
    assertEquals(4, r.getRevision());
    assertEquals(0, r.getResultsCount());
    assertEquals(4, sm.appliedIndex());
    assertEquals(4, sm.digest().index());
    assertEquals(before, sm.digest().hex());
  }

  @Test
  void restartKeepsTheStoreAndSkipsReplayedEntries() throws Exception {
    GcsStateMachine sm = start("a");
    applyRange(sm, 1, 20);
    assertEquals(20, sm.takeSnapshot());
    applyRange(sm, 21, 30);
    String at30 = sm.digest().hex();
    stop(sm);

    GcsStateMachine again = start("a");
    assertEquals(30, again.appliedIndex(), "the store is ahead of the snapshot and is kept");
    assertEquals(TermIndex.valueOf(1, 20), again.getLastAppliedTermIndex(), "Ratis replays from the snapshot");
    assertEquals(20, again.getLatestSnapshot().getIndex());
    List<Long> heard = Collections.synchronizedList(new ArrayList<>());
    again.addListener(new StateMachineListener() {
      @Override
      public void onApplied(long index, EventBatch events) {
        heard.add(index);
      }
    });
    // while replaying entries the store holds, a snapshot would describe the wrong index: none is taken
    applyRaw(again, 1, 21, entry(21).toByteArray());
    assertEquals(20, again.takeSnapshot());
    assertFalse(Files.exists(smDir(tmp, "a").resolve("snap_1_21")));
    for (int i = 22; i <= 30; i++) {
      ApplyResult r = applyRaw(again, 1, i, entry(i).toByteArray());
      assertEquals(0, r.getResultsCount(), "entry " + i + " is already in the store: skipped");
    }
    assertEquals(List.of(), heard, "skipped entries publish nothing");
    assertEquals(at30, again.digest().hex());
    applyRange(again, 31, 40);
    assertEquals(reference(40), again.digest().hex());
    assertEquals(List.of(31L, 32L, 33L, 34L, 35L, 36L, 37L, 38L, 39L, 40L), heard);
    assertEquals(40, again.takeSnapshot());
  }

  @Test
  void aLostStoreIsRebuiltFromTheSnapshotAndTheLog() throws Exception {
    GcsStateMachine sm = start("a");
    applyRange(sm, 1, 20);
    assertEquals(20, sm.takeSnapshot());
    String at20 = sm.digest().hex();
    applyRange(sm, 21, 25);
    stop(sm);
    CheckpointSnapshots.deleteTree(tmp.resolve("a").resolve("db"));

    GcsStateMachine again = start("a");
    assertEquals(20, again.appliedIndex());
    assertEquals(at20, again.digest().hex());
    applyRange(again, 21, 25);
    assertEquals(reference(25), again.digest().hex());
  }

  @Test
  void aStoreBehindTheSnapshotIsReplacedByIt() throws Exception {
    // replica b stopped at 10; meanwhile a snapshot at 30 arrived in its sm/ folder
    GcsStateMachine b = start("b");
    applyRange(b, 1, 10);
    stop(b);
    GcsStateMachine a = start("a");
    applyRange(a, 1, 30);
    a.takeSnapshot();
    copyTree(smDir(tmp, "a"), smDir(tmp, "b"));

    GcsStateMachine again = start("b");
    assertEquals(30, again.appliedIndex());
    assertEquals(a.digest().hex(), again.digest().hex());
  }

  @Test
  void reinitializeSwapsInTheInstalledSnapshot() throws Exception {
    GcsStateMachine leader = start("leader");
    applyRange(leader, 1, 50);
    assertEquals(50, leader.takeSnapshot());
    GcsStateMachine follower = start("follower");
    applyRange(follower, 1, 5);
    List<Long> reloaded = new ArrayList<>();
    follower.addListener(new StateMachineListener() {
      @Override
      public void onReloaded(long index) {
        reloaded.add(index);
      }
    });
    // Ratis installs the leader's snapshot files into the follower's sm/ folder, then reinitializes
    follower.pause();
    copyTree(smDir(tmp, "leader"), smDir(tmp, "follower"));
    follower.reinitialize();
    assertEquals(List.of(50L), reloaded);
    assertEquals(50, follower.appliedIndex());
    assertEquals(leader.digest(), follower.digest());
    assertEquals(follower.eventHistory().size(), leader.eventHistory().size(), "history arrives too");
    assertNotNull(follower.getLatestSnapshot());
    applyRange(leader, 51, 55);
    applyRange(follower, 51, 55);
    assertEquals(leader.digest(), follower.digest());
  }

  /** Actor entries: 40 actors in 4 jobs, half created, every third killed (with c's bound on dead kept). */
  private static List<LogEntryPayload> actorEntries(ActorCommands c, int round) {
    List<LogEntryPayload> out = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      com.google.protobuf.ByteString id = ActorCommands.bs("r" + round + "-" + i);
      LogEntryPayload.Builder e = LogEntryPayload.newBuilder()
          .addCommands(c.register(id, ActorCommands.bs("job-" + (i % 4))));
      if (i % 2 == 0) {
        e.addCommands(c.create(id));
      }
      if (i % 3 == 0) {
        e.addCommands(c.kill(id, true));
      }
      out.add(e.build());
    }
    return out;
  }

  private static void applyAll(GcsStateMachine sm, long from, List<LogEntryPayload> entries) throws Exception {
    long index = from;
    for (LogEntryPayload e : entries) {
      applyRaw(sm, 1, index++, e.toByteArray());
    }
  }

  private static GetAllActorInfoReply actors(GcsStateMachine sm, ActorFilters f) {
    return sm.queryLocal(ActorCommands.listQuery(f, 5)).getGetAllActorInfo();
  }

  @Test
  void anInstalledSnapshotBringsItsActorIndex() throws Exception {
    ActorCommands c = new ActorCommands(6);
    GcsStateMachine leader = start("leader");
    applyAll(leader, 1, actorEntries(c, 1));
    assertEquals(40, leader.takeSnapshot());
    GcsStateMachine follower = start("follower");
    applyAll(follower, 1, actorEntries(c, 0));   // different actors the snapshot replaces
    follower.pause();
    copyTree(smDir(tmp, "leader"), smDir(tmp, "follower"));
    follower.reinitialize();
    List<ActorFilters> filters = new ArrayList<>();
    filters.add(ActorFilters.getDefaultInstance());
    for (var s : List.of(ActorState.DEPENDENCIES_UNREADY, ActorState.PENDING_CREATION, ActorState.DEAD)) {
      filters.add(ActorFilters.newBuilder().setHasState(true).setState(s).build());
      filters.add(ActorFilters.newBuilder().setHasState(true).setState(s)
          .setJobId(ActorCommands.bs("job-1")).build());
    }
    GetAllActorInfoReply all = actors(follower, filters.get(0));
    assertEquals(40 - 14 + 6, all.getTotal(), "26 live + 6 dead kept, none of the follower's own");
    assertTrue(all.getActorTableData(0).getActorId().toStringUtf8().startsWith("r1-"));
    for (var f : filters) {
      assertEquals(actors(leader, f), actors(follower, f), f.toString());
    }
    List<LogEntryPayload> more = actorEntries(c, 2);
    applyAll(leader, 41, more);
    applyAll(follower, 41, more);
    for (var f : filters) {
      assertEquals(actors(leader, f), actors(follower, f), f.toString());
    }
    assertEquals(leader.digest(), follower.digest());
  }

  @Test
  void noSnapshotBeforeAnythingWasApplied() throws Exception {
    GcsStateMachine sm = start("a");
    assertNull(sm.getLatestSnapshot());
    assertTrue(sm.takeSnapshot() <= 0);
  }

  private static void copyTree(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (var s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path dst = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dst);
        } else {
          Files.copy(p, dst);
        }
      }
    }
  }

  private static RaftServer stubServer(String name) {
    RaftPeerId id = RaftPeerId.valueOf(name);
    return (RaftServer) Proxy.newProxyInstance(RaftServer.class.getClassLoader(), new Class<?>[] {RaftServer.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getId" -> id;
          case "toString" -> "stub-" + name;
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private static RaftStorage stubStorage(File root) {
    RaftStorageDirectory dir = new RaftStorageDirectory() {
      @Override
      public File getRoot() {
        return root;
      }

      @Override
      public boolean isHealthy() {
        return true;
      }
    };
    return new RaftStorage() {
      @Override
      public void initialize() {}

      @Override
      public RaftStorageDirectory getStorageDir() {
        return dir;
      }

      @Override
      public RaftStorageMetadataFile getMetadataFile() {
        throw new UnsupportedOperationException();
      }

      @Override
      public RaftServerConfigKeys.Log.CorruptionPolicy getLogCorruptionPolicy() {
        return RaftServerConfigKeys.Log.CorruptionPolicy.EXCEPTION;
      }

      @Override
      public void close() {}
    };
  }
}
