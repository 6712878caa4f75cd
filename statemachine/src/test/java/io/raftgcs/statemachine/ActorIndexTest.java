package io.raftgcs.statemachine;

import static io.raftgcs.statemachine.ActorCommands.bs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorDeathCause;
import io.raftgcs.proto.ActorFilters;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.GetAllActorInfoReply;
import io.raftgcs.proto.NodeState;
import io.raftgcs.proto.QueryResult;
import io.raftgcs.proto.WorkerExitType;
import io.raftgcs.statemachine.store.Cf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * The actor index answers {@code GetAllActorInfo} and {@code GetNodeAssignments} exactly as a full scan of the
 * table does (rows, order, {@code total}, {@code num_filtered}) for every filter combination, along a seeded
 * random actor life (register, create, place, start, kill, worker and node failures, out of scope, lineage
 * restarts, job finish) with a small dead-actor bound so that dropping happens throughout, and after the store
 * is closed and reopened (index rebuilt from the rows).
 */
class ActorIndexTest {
  static final int ENTRIES = 700;
  static final int MAX_DEAD = 25;

  @TempDir Path tmp;

  private final Random r = new Random(5_2025L);
  private final ActorCommands c = new ActorCommands(MAX_DEAD);
  private final List<ByteString> jobs = new ArrayList<>();
  private final List<ByteString> nodesEver = new ArrayList<>();
  private int nextNode;
  private int nextJob;
  private int checks;

  @Test
  void indexAnswersEqualAFullScanAlongARandomLifeAndAfterReopen() throws Exception {
    try (Fixture f = Fixture.open(tmp.resolve("db"))) {
      List<Command> boot = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        boot.add(newNode());
        boot.add(newJob());
      }
      f.apply(boot.toArray(Command[]::new));
      for (int e = 1; e <= ENTRIES; e++) {
        f.apply(entry(f).toArray(Command[]::new));
        assertTrue(f.applier.actors().deadCount() <= MAX_DEAD, "dead actors kept within the bound");
        if (e % 35 == 0) {
          compareAll(f);
        }
        if (e == ENTRIES / 2) {
          f.reopen(true);
          compareAll(f);
        }
      }
      List<ActorTableData> rows = ActorCommands.rows(f.store);
      long dead = rows.stream().filter(a -> a.getState() == ActorState.DEAD).count();
      assertEquals(MAX_DEAD, dead, "the bound was reached and held");
      for (ActorState s : List.of(ActorState.DEPENDENCIES_UNREADY, ActorState.PENDING_CREATION, ActorState.ALIVE,
          ActorState.RESTARTING)) {
        assertTrue(rows.stream().anyMatch(a -> a.getState() == s), "the life reaches " + s);
      }
      assertEquals(rows.size(), f.applier.actorIndex().size());
      f.reopen(true);
      compareAll(f);
      assertTrue(checks > 10_000, "compared " + checks + " queries");
    }
  }

  @Test
  void aReaderSeesTheIndexAndTheRowsOfOneRevisionWhileApplyRuns() throws Exception {
    ActorCommands unbounded = new ActorCommands(-1);
    try (Fixture f = Fixture.open(tmp.resolve("db"))) {
      AtomicBoolean done = new AtomicBoolean();
      AtomicInteger reads = new AtomicInteger();
      CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
        while (!done.get()) {
          QueryResult q = f.query(ActorCommands.listQuery(ActorFilters.newBuilder().setJobId(bs("job")).build(), 1));
          GetAllActorInfoReply reply = q.getGetAllActorInfo();
          long r = q.getRevision();
          // entry i registers an id that sorts before all earlier ones: at revision r, r actors, the newest first
          assertEquals(r, reply.getTotal(), "total at revision " + r);
          assertEquals(0, reply.getNumFiltered());
          if (r > 0) {
            assertEquals(descendingId(r), reply.getActorTableData(0).getActorId(), "first row at revision " + r);
          }
          reads.incrementAndGet();
        }
      });
      for (int i = 1; i <= 1000 || reads.get() < 100 && i <= 50_000; i++) {
        f.apply(unbounded.register(descendingId(i), bs("job")));
      }
      done.set(true);
      reader.get();
      assertTrue(reads.get() >= 100, "the reader ran alongside apply: " + reads.get() + " reads");
    }
  }

  private static ByteString descendingId(long i) {
    return bs(String.format("a%06d", 999_999 - i));
  }

  private Command newNode() {
    ByteString id = bs("node-" + nextNode++);
    nodesEver.add(id);
    return c.node(id);
  }

  private Command newJob() {
    ByteString id = bs("job-" + nextJob++);
    jobs.add(id);
    return c.addJob(id);
  }

  private <T> T pick(List<T> xs) {
    return xs.isEmpty() ? null : xs.get(r.nextInt(xs.size()));
  }

  private ByteString randomId() {
    byte[] b = new byte[8];
    r.nextBytes(b);   // high bytes too: the index must order ids as RocksDB does (unsigned)
    return ByteString.copyFrom(b);
  }

  private List<Command> entry(Fixture f) {
    List<ActorTableData> actors = ActorCommands.rows(f.store);
    List<ByteString> alive = aliveNodes(f);
    List<Command> out = new ArrayList<>();
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      int dice = r.nextInt(100);
      if (dice < 28 || actors.isEmpty()) {
        ByteString id = randomId();
        String name = r.nextInt(10) < 3 ? "name-" + r.nextInt(15) : "";
        out.add(c.register(id, pick(jobs), name, r.nextInt(5) == 0, r.nextInt(4) - 1));
        if (r.nextInt(5) != 0) {
          out.add(c.create(id));
        }
      } else if (dice < 52) {
        ActorTableData a = pick(actors.stream().filter(x -> (x.getState() == ActorState.PENDING_CREATION
            || x.getState() == ActorState.RESTARTING) && x.getNodeId().isEmpty()).toList());
        if (a != null && !alive.isEmpty()) {
          out.add(c.place(a.getActorId(), pick(alive), a.getPlacementAttempt()));
        }
      } else if (dice < 68) {
        ActorTableData a = pick(actors.stream().filter(x -> (x.getState() == ActorState.PENDING_CREATION
            || x.getState() == ActorState.RESTARTING) && !x.getNodeId().isEmpty()).toList());
        if (a != null) {
          out.add(c.started(a.getActorId(), a.getPlacementAttempt(),
              bs("w-" + HexFormat.of().formatHex(a.getActorId().toByteArray()) + "-" + a.getPlacementAttempt())));
        }
      } else if (dice < 77) {
        out.add(c.kill(pick(actors).getActorId(), r.nextBoolean()));
      } else if (dice < 83) {
        ActorTableData a = pick(actors.stream().filter(x -> x.getState() == ActorState.ALIVE).toList());
        if (a != null) {
          out.add(c.workerFailed(a.getAddress().getWorkerId(), WorkerExitType.forNumber(r.nextInt(5))));
        }
      } else if (dice < 88) {
        ActorTableData a = pick(actors.stream().filter(x -> x.getState() != ActorState.DEAD).toList());
        if (a != null) {
          out.add(c.outOfScope(a.getActorId(), a.getNumRestartsDueToLineageReconstruction()));
        }
      } else if (dice < 93) {
        ActorTableData a = pick(actors.stream().filter(x -> x.getState() == ActorState.DEAD
            && x.getDeathCause().getKind() == ActorDeathCause.Kind.OUT_OF_SCOPE).toList());
        if (a != null) {
          out.add(c.restartForLineage(a.getActorId(), a.getNumRestartsDueToLineageReconstruction() + 1));
        }
      } else if (dice < 96) {
        if (alive.size() > 1) {
          out.add(c.nodeDead(pick(alive)));
        }
        out.add(newNode());
      } else if (dice < 98) {
        out.add(c.finishJob(pick(jobs)));
      } else {
        out.add(newJob());
      }
    }
    return out;
  }

  private static List<ByteString> aliveNodes(Fixture f) {
    List<ByteString> out = new ArrayList<>();
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = f.store.iterator(Cf.NODES, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        GcsNodeInfo n = Fixture.parse(it.value(), GcsNodeInfo.parser());
        if (n.getState() == NodeState.ALIVE) {
          out.add(n.getNodeId());
        }
      }
    }
    return out;
  }

  /** Every filter combination over the values present (and some absent), at several limits. */
  private void compareAll(Fixture f) {
    List<ActorTableData> rows = ActorCommands.rows(f.store);
    TreeSet<String> names = new TreeSet<>();
    rows.forEach(a -> names.add(a.getName()));
    names.add("no-such-name");
    List<ByteString> jobIds = new ArrayList<>(jobs);
    jobIds.add(bs("no-such-job"));
    List<ByteString> nodeIds = new ArrayList<>(nodesEver);
    nodeIds.add(bs("no-such-node"));
    List<ByteString> actorIds = new ArrayList<>();
    for (int i = 0; i < 3 && !rows.isEmpty(); i++) {
      actorIds.add(pick(rows).getActorId());
    }
    actorIds.add(bs("no-such-actor"));
    List<ActorState> states = List.of(ActorState.values()).subList(0, ActorState.values().length - 1);

    List<ActorFilters> filters = new ArrayList<>();
    filters.add(ActorFilters.getDefaultInstance());
    for (ActorState s : states) {
      filters.add(ActorFilters.newBuilder().setHasState(true).setState(s).build());
      for (ByteString j : jobIds) {
        filters.add(ActorFilters.newBuilder().setJobId(j).setHasState(true).setState(s).build());
      }
      for (String name : names) {
        filters.add(ActorFilters.newBuilder().setName(name).setHasState(true).setState(s).build());
      }
      for (ByteString node : nodeIds) {
        filters.add(ActorFilters.newBuilder().setNodeId(node).setHasState(true).setState(s).build());
      }
      for (ByteString id : actorIds) {
        filters.add(ActorFilters.newBuilder().setActorId(id).setHasState(true).setState(s).build());
      }
    }
    // state 0 without has_state: no state filter
    filters.add(ActorFilters.newBuilder().setState(ActorState.DEPENDENCIES_UNREADY).build());
    for (ByteString j : jobIds) {
      filters.add(ActorFilters.newBuilder().setJobId(j).build());
      for (ByteString node : nodeIds) {
        filters.add(ActorFilters.newBuilder().setJobId(j).setNodeId(node).build());
      }
      filters.add(ActorFilters.newBuilder().setJobId(j).setName(pick(List.copyOf(names))).setHasState(true)
          .setState(pick(states)).build());
    }
    for (String name : names) {
      filters.add(ActorFilters.newBuilder().setName(name).build());
      filters.add(ActorFilters.newBuilder().setName(name).setNodeId(pick(nodeIds)).build());
    }
    for (ByteString node : nodeIds) {
      filters.add(ActorFilters.newBuilder().setNodeId(node).build());
    }
    for (ByteString id : actorIds) {
      filters.add(ActorFilters.newBuilder().setActorId(id).build());
      filters.add(ActorFilters.newBuilder().setActorId(id).setJobId(pick(jobIds)).build());
    }
    for (ActorFilters filter : filters) {
      for (long limit : new long[] {0, 1, 4, 100}) {
        assertEquals(ActorCommands.scan(rows, filter, limit), ActorCommands.list(f, filter, limit),
            "filters {" + filter + "} limit " + limit);
        checks++;
      }
    }
    for (ByteString node : nodeIds) {
      assertEquals(ActorCommands.scanAssignments(f.store, node), ActorCommands.assignments(f, node), "node " + node);
    }
  }
}
