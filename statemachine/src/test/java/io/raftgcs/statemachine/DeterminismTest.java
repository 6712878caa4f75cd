package io.raftgcs.statemachine;

import static io.raftgcs.statemachine.Fixture.del;
import static io.raftgcs.statemachine.Fixture.put;
import static io.raftgcs.statemachine.Fixture.rid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgcs.proto.Command;
import io.raftgcs.proto.CommandHeader;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.LogEntryPayload;
import io.raftgcs.proto.RequestId;
import io.raftgcs.proto.ResultCode;
import io.raftgcs.statemachine.apply.CommandApplier;
import io.raftgcs.statemachine.apply.EventHistory;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests as algebra: the same log applied to fresh stores gives the same digest, whatever happens to the
 * replica in between (restart, different history bounds); a different log gives a different digest.
 */
class DeterminismTest {
  static final int ENTRIES = 2000;
  static final long SEED = 20240611L;

  static List<LogEntryPayload> log;
  /** Digests and results of a reference replica, per entry. */
  static List<String> refDigests;
  static List<CommandApplier.Applied> refApplied;
  static String refFinal;

  @TempDir Path tmp;

  /** A random log over a small key space: puts, deletes, prefix deletes, retries, unknown bodies. */
  static List<LogEntryPayload> randomLog(long seed, int entries) {
    Random r = new Random(seed);
    String[] namespaces = {"", "a", "ab"};
    String[] prefixes = {"", "k", "k1", "k10"};
    long[] seq = new long[4];
    List<Command> tracked = new ArrayList<>();
    List<LogEntryPayload> out = new ArrayList<>();
    long time = 1_700_000_000_000L;
    for (int e = 0; e < entries; e++) {
      time += 10 + r.nextInt(2000);
      if (r.nextInt(250) == 0) {
        time += Limits.SESSION_TTL_MS; // let sessions expire now and then
      }
      LogEntryPayload.Builder entry = LogEntryPayload.newBuilder();
      int n = 1 + r.nextInt(4);
      for (int c = 0; c < n; c++) {
        int dice = r.nextInt(100);
        if (dice < 12 && !tracked.isEmpty()) {
          // a retry: an earlier tracked command, re-stamped by a (later) leader
          Command old = tracked.get(tracked.size() - 1 - r.nextInt(Math.min(tracked.size(), 300)));
          entry.addCommands(old.toBuilder().setHeader(old.getHeader().toBuilder().setLeaderTimeMs(time)));
          continue;
        }
        if (dice < 14) {
          entry.addCommands(Command.newBuilder().setHeader(CommandHeader.newBuilder().setLeaderTimeMs(time)));
          continue;
        }
        String ns = namespaces[r.nextInt(namespaces.length)];
        String key = "k" + r.nextInt(12);
        RequestId id = null;
        if (r.nextInt(10) < 7) {
          int client = 1 + r.nextInt(3);
          id = rid(client, ++seq[client]);
        }
        Command cmd;
        if (dice < 65) {
          cmd = put(ns, key, "v" + r.nextInt(1000), r.nextBoolean(), id, time);
        } else if (dice < 90) {
          cmd = del(ns, key, false, id, time);
        } else {
          cmd = del(ns, prefixes[r.nextInt(prefixes.length)], true, id, time);
        }
        if (id != null) {
          tracked.add(cmd);
        }
        entry.addCommands(cmd);
      }
      out.add(entry.build());
    }
    return out;
  }

  static List<CommandApplier.Applied> applyAll(Fixture f, List<LogEntryPayload> entries, int from, int to,
      List<String> digests) {
    List<CommandApplier.Applied> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(f.applier.apply(f.store, Fixture.TERM, i + 1, entries.get(i)));
      if (digests != null && (i + 1) % 250 == 0) {
        digests.add(f.digest().hex());
      }
    }
    return out;
  }

  @BeforeAll
  static void reference(@TempDir Path dir) throws Exception {
    log = randomLog(SEED, ENTRIES);
    refDigests = new ArrayList<>();
    try (Fixture f = Fixture.open(dir.resolve("ref"))) {
      String empty = f.digest().hex();
      refApplied = applyAll(f, log, 0, ENTRIES, refDigests);
      StateDigest.Value v = f.digest();
      refFinal = v.hex();
      assertEquals(ENTRIES, v.index());
      assertNotEquals(empty, refFinal);
      // the log really exercises what it claims to
      long quietEntries = 0;
      long rejected = 0;
      for (CommandApplier.Applied a : refApplied) {
        rejected += a.result().getResultsList().stream().filter(x -> x.getCode() == ResultCode.INVALID_ARGUMENT)
            .count();
        quietEntries += a.result().getResultsCount() > 0 && a.events().getEventsCount() == 0 ? 1 : 0;
      }
      assertTrue(rejected > 20, "unknown bodies in the log: " + rejected);
      assertTrue(quietEntries > 100, "entries that changed nothing: " + quietEntries);
      assertTrue(f.count(Cf.KV) > 5, "some keys survive");
      long trackedIds = log.stream().flatMap(p -> p.getCommandsList().stream())
          .filter(c -> c.getHeader().hasRequestId()).map(c -> c.getHeader().getRequestId()).distinct().count();
      assertTrue(f.count(Cf.SESSIONS) < trackedIds, "some sessions expired: " + f.count(Cf.SESSIONS)
          + " of " + trackedIds);
    }
  }

  @Test
  void theLogIsAFunctionOfItsSeed() {
    assertEquals(log, randomLog(SEED, ENTRIES));
    assertNotEquals(log, randomLog(SEED + 1, ENTRIES));
  }

  @Test
  void twoFreshStoresReachTheSameDigestAtEveryStep() throws Exception {
    List<String> digests = new ArrayList<>();
    try (Fixture f = Fixture.open(tmp.resolve("b"))) {
      List<CommandApplier.Applied> applied = applyAll(f, log, 0, ENTRIES, digests);
      assertEquals(refDigests, digests);
      assertEquals(refFinal, f.digest().hex());
      for (int i = 0; i < ENTRIES; i++) {
        assertEquals(refApplied.get(i), applied.get(i), "entry " + (i + 1) + " result and events");
      }
    }
  }

  @Test
  void closingAndReopeningMidwayChangesNothing() throws Exception {
    Path dir = tmp.resolve("c");
    List<CommandApplier.Applied> applied = new ArrayList<>();
    try (Fixture f = Fixture.open(dir)) {
      applied.addAll(applyAll(f, log, 0, 1000, null));
      f.reopen(true); // new store handle, new applier, indexes rebuilt by load()
      assertEquals(1000, f.store.appliedTermIndex(null)[1]);
      assertEquals(refDigests.get(3), f.digest().hex(), "digest at 1000 after reopen");
      applied.addAll(applyAll(f, log, 1000, 1737, null));
      f.reopen(true);
      applied.addAll(applyAll(f, log, 1737, ENTRIES, null));
      assertEquals(refFinal, f.digest().hex());
    }
    // retries after the restart are answered exactly as without a restart; events identical too
    for (int i = 0; i < ENTRIES; i++) {
      assertEquals(refApplied.get(i), applied.get(i), "entry " + (i + 1));
    }
  }

  @Test
  void historyBoundsDoNotEnterTheDigest() throws Exception {
    try (Fixture small = Fixture.open(tmp.resolve("small"), 5, 2_000)) {
      applyAll(small, log, 0, ENTRIES, null);
      assertEquals(refFinal, small.digest().hex());
      assertTrue(small.count(Cf.EVENTS) <= 5, "history really was bounded differently");
      assertTrue(small.applier.history().oldestRevision() > ENTRIES - 50);
    }
  }

  @Test
  void oneDifferentCommandGivesADifferentDigest() throws Exception {
    List<LogEntryPayload> changed = new ArrayList<>(log);
    int at = 1500;
    Command extra = put("zz", "only-here", "x", true);
    changed.set(at, log.get(at).toBuilder().addCommands(extra).build());
    try (Fixture f = Fixture.open(tmp.resolve("d"))) {
      applyAll(f, changed, 0, ENTRIES, null);
      assertNotEquals(refFinal, f.digest().hex());
      assertEquals(ENTRIES, f.digest().index());
    }
  }

  @Test
  void sessionsAreInTheDigestMetaAndEventsAreNot() throws Exception {
    try (Fixture x = Fixture.open(tmp.resolve("x")); Fixture y = Fixture.open(tmp.resolve("y"));
        Fixture z = Fixture.open(tmp.resolve("z"))) {
      x.apply(put("ns", "k", "v", true, rid(1, 1), 1000));
      y.apply(put("ns", "k", "v", true, rid(1, 2), 1000));
      z.apply(put("ns", "k", "v", true, null, 1000));
      assertEquals(x.row("ns", "k"), y.row("ns", "k"));
      assertEquals(x.row("ns", "k"), z.row("ns", "k"));
      assertNotEquals(x.digest().hex(), y.digest().hex(), "same KV, different session ids");
      assertNotEquals(x.digest().hex(), z.digest().hex());

      String before = x.digest().hex();
      byte[] junk = "junk".getBytes(StandardCharsets.UTF_8);
      x.store.db().put(x.store.handle(Cf.META), junk, junk);
      x.store.db().put(x.store.handle(Cf.EVENTS), EventHistory.key(99), EventBatch.getDefaultInstance()
          .toByteArray());
      x.store.db().put(x.store.handle(Cf.META), GcsStore.APPLIED_KEY, GcsStore.encodeApplied(3, 77));
      StateDigest.Value after = x.digest();
      assertEquals(before, after.hex(), "meta and events are per-replica bookkeeping");
      assertEquals(77, after.index(), "the digest reports the applied index it was taken at");

      x.store.db().put(x.store.handle(Cf.KV), junk, junk);
      assertNotEquals(before, x.digest().hex(), "a replicated table is covered");
    }
  }
}
