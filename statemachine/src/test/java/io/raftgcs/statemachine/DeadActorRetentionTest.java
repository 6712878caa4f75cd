package io.raftgcs.statemachine;

import static io.raftgcs.statemachine.ActorCommands.bs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorFilters;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventKind;
import io.raftgcs.proto.GetNamedActorInfoRequest;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.ResultCode;
import io.raftgcs.proto.WorkerExitType;
import io.raftgcs.statemachine.apply.CommandApplier;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ray's destroyed-actor cache bound: beyond the leader's {@code max_dead_actors}, the dead actor that died
 * earliest (by revision, then id) leaves the table, with a DELETE event, at the end of the entry.
 */
class DeadActorRetentionTest {
  @TempDir Path tmp;

  private static final ByteString JOB = bs("job");

  private static ByteString id(int i) {
    return bs("a" + i);
  }

  /** Registers actors 1..n, one entry. */
  private static void registerAll(Fixture f, ActorCommands c, int n) {
    f.apply(IntStream.rangeClosed(1, n).mapToObj(i -> c.register(id(i), JOB)).toArray(Command[]::new));
  }

  private static List<ByteString> deadIds(Fixture f) {
    return ActorCommands.rows(f.store).stream().filter(a -> a.getState() == ActorState.DEAD)
        .map(ActorTableData::getActorId).toList();
  }

  @Test
  void theEarliestDeathLeavesFirstWithADeleteEvent() throws Exception {
    ActorCommands c = new ActorCommands(3);
    try (Fixture f = Fixture.open(tmp)) {
      registerAll(f, c, 5);
      f.apply(c.kill(id(3), true));
      f.apply(c.kill(id(1), true));
      f.apply(c.kill(id(5), true));
      assertEquals(List.of(id(1), id(3), id(5)), deadIds(f), "3 dead: all kept");
      CommandApplier.Applied fourth = f.apply(c.kill(id(2), true));
      assertNull(ActorCommands.row(f, id(3)), "a3 died first: dropped");
      assertEquals(List.of(id(1), id(2), id(5)), deadIds(f));
      List<Event> events = fourth.events().getEventsList();
      Event last = events.get(events.size() - 1);
      assertEquals(Channel.ACTOR, last.getChannel());
      assertEquals(EventKind.DELETE, last.getKind());
      assertEquals(id(3), last.getKey());
      assertEquals(4, ActorCommands.list(f, ActorFilters.getDefaultInstance(), 0).getTotal(), "a4 alive + 3 dead");
      assertEquals(3, f.applier.actors().deadCount());
      assertEquals(ResultCode.NOT_FOUND, f.one(c.kill(id(3), true)).getCode(), "a dropped actor is unknown");
    }
  }

  @Test
  void deathsInOneEntryAreOrderedByIdAndTrimmedAtItsEnd() throws Exception {
    ActorCommands c = new ActorCommands(2);
    try (Fixture f = Fixture.open(tmp)) {
      registerAll(f, c, 5);
      f.apply(c.kill(id(4), true));
      // three deaths in one entry: the bound holds after the entry, the older death (a4) goes, then a1 (lowest id)
      f.apply(c.kill(id(5), true), c.kill(id(1), true), c.kill(id(2), true));
      assertEquals(List.of(id(2), id(5)), deadIds(f));
    }
  }

  @Test
  void theOrderSurvivesAReopen() throws Exception {
    ActorCommands c = new ActorCommands(2);
    try (Fixture f = Fixture.open(tmp)) {
      registerAll(f, c, 4);
      f.apply(c.kill(id(2), true));
      f.apply(c.kill(id(1), true));
      f.reopen(true);
      assertEquals(2, f.applier.actors().deadCount(), "rebuilt from the rows");
      f.apply(c.kill(id(3), true));
      assertEquals(List.of(id(1), id(3)), deadIds(f), "a2 died first, also when the order was rebuilt");
      assertEquals(ActorCommands.scan(f.store, ActorFilters.getDefaultInstance(), 0),
          ActorCommands.list(f, ActorFilters.getDefaultInstance(), 0));
    }
  }

  @Test
  void anActorRestartedForLineageLeavesTheDeadAndComesBackAsItsNewestDeath() throws Exception {
    ActorCommands c = new ActorCommands(2);
    try (Fixture f = Fixture.open(tmp)) {
      registerAll(f, c, 3);
      f.apply(c.outOfScope(id(1), 0));
      long firstDeath = ActorCommands.row(f, id(1)).getDeathRevision();
      assertEquals(f.index(), firstDeath);
      f.apply(c.kill(id(2), true));
      assertEquals(ResultCode.OK, f.one(c.restartForLineage(id(1), 1)).getCode());
      assertEquals(0, ActorCommands.row(f, id(1)).getDeathRevision());
      f.apply(c.kill(id(3), true));
      assertEquals(List.of(id(2), id(3)), deadIds(f), "a1 is RESTARTING: two dead, none dropped");
      f.apply(c.outOfScope(id(1), 1));
      assertEquals(List.of(id(1), id(3)), deadIds(f), "a1's second death is the newest: a2 goes");
    }
  }

  @Test
  void aDroppedDetachedActorReleasesTheNameItKept() throws Exception {
    ActorCommands keepAll = new ActorCommands(-1);
    ActorCommands keepNone = new ActorCommands(0);
    try (Fixture f = Fixture.open(tmp)) {
      ByteString node = bs("node");
      f.apply(keepAll.node(node), keepAll.register(id(1), JOB, "svc", true, 0), keepAll.create(id(1)));
      f.apply(keepAll.place(id(1), node, 0));
      f.apply(keepAll.started(id(1), 1, bs("w1")));
      f.apply(keepAll.workerFailed(bs("w1"), WorkerExitType.SYSTEM_ERROR));
      ActorTableData dead = ActorCommands.row(f, id(1));
      assertEquals(ActorState.DEAD, dead.getState());
      assertTrue(dead.getHoldsName(), "a detached actor whose worker died keeps its name (Ray)");
      assertEquals(id(1), named(f, "svc").getActorId());

      f.apply(keepNone.register(id(2), JOB));
      assertNull(ActorCommands.row(f, id(1)), "bound 0: no dead actor is kept");
      assertTrue(named(f, "svc").getActorId().isEmpty(), "its name went with it");
      assertEquals(ResultCode.OK, f.one(keepAll.register(id(3), JOB, "svc", true, 0)).getCode());
      assertEquals(id(3), named(f, "svc").getActorId());
    }
  }

  @Test
  void withoutABoundInTheHeaderRaysDefaultApplies() throws Exception {
    ActorCommands c = new ActorCommands(-1);
    try (Fixture f = Fixture.open(tmp)) {
      registerAll(f, c, 50);
      for (int i = 1; i <= 50; i++) {
        f.apply(c.kill(id(i), true));
      }
      assertEquals(50, deadIds(f).size());
      assertEquals(100_000, CommandApplier.DEFAULT_MAX_DEAD_ACTORS);
    }
  }

  private static ActorTableData named(Fixture f, String name) {
    return f.query(Query.newBuilder().setGetNamedActorInfo(GetNamedActorInfoRequest.newBuilder().setName(name)
        .setRayNamespace("ns")).build()).getGetNamedActorInfo().getActorTableData();
  }
}
