package io.raftgcs.statemachine.apply;

import static io.raftgcs.statemachine.Fixture.bs;
import static io.raftgcs.statemachine.Fixture.del;
import static io.raftgcs.statemachine.Fixture.delPrefix;
import static io.raftgcs.statemachine.Fixture.put;
import static io.raftgcs.statemachine.Fixture.rid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.EventKind;
import io.raftgcs.statemachine.Fixture;
import io.raftgcs.statemachine.store.Cf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/** Events are the projection of what an entry changed, stamped with its index, kept in a bounded history. */
class EventsTest {
  @TempDir Path tmp;

  private static Event ev(long rev, String ns, String key, EventKind kind, String value) {
    return Event.newBuilder().setRevision(rev).setChannel(Channel.KV).setNamespace(ns).setKey(bs(key))
        .setKind(kind).setValue(bs(value)).build();
  }

  private static EventBatch stored(Fixture f, long rev) {
    byte[] v = f.store.get(Cf.EVENTS, EventHistory.key(rev));
    return v == null ? null : Fixture.parse(v, EventBatch.parser());
  }

  private static List<Long> storedRevisions(Fixture f) {
    List<Long> out = new ArrayList<>();
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = f.store.iterator(Cf.EVENTS, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(EventHistory.revisionOf(it.key()));
      }
    }
    return out;
  }

  private static String value(int n) {
    return "v".repeat(n);
  }

  @Test
  void eachEntryYieldsOneBatchOfItsChangesInOrder() throws Exception {
    try (Fixture f = Fixture.open(tmp.resolve("db"))) {
      f.applyAt(7, put("ns", "p1", "x", false), put("ns", "p2", "y", false));
      CommandApplier.Applied a = f.applyAt(8,
          put("a", "k", "1", false),
          put("a", "k", "2", true),
          put("", "e", "empty-ns", false),
          del("a", "k"),
          delPrefix("ns", "p"),
          put("a", "k", "3", false)); // re-added after the delete in this entry
      EventBatch expected = EventBatch.newBuilder().setRevision(8)
          .addEvents(ev(8, "a", "k", EventKind.PUT, "1"))
          .addEvents(ev(8, "a", "k", EventKind.PUT, "2"))
          .addEvents(ev(8, "", "e", EventKind.PUT, "empty-ns"))
          .addEvents(ev(8, "a", "k", EventKind.DELETE, ""))
          .addEvents(ev(8, "ns", "p1", EventKind.DELETE, ""))
          .addEvents(ev(8, "ns", "p2", EventKind.DELETE, ""))
          .addEvents(ev(8, "a", "k", EventKind.PUT, "3"))
          .build();
      assertEquals(expected, a.events());
      assertEquals(8, a.result().getRevision());
      assertEquals(expected, stored(f, 8), "persisted in the events family under its revision");
      assertEquals(List.of(7L, 8L), storedRevisions(f));
      assertEquals(2, f.applier.history().size());
      assertEquals(1, f.applier.history().oldestRevision());
    }
  }

  @Test
  void anEntryThatChangesNothingYieldsNoEvents() throws Exception {
    try (Fixture f = Fixture.open(tmp.resolve("db"))) {
      f.apply(put("ns", "k", "v", false, rid(1, 1), 1000));
      CommandApplier.Applied a = f.apply(
          put("ns", "k", "other", false),            // refused: exists
          del("ns", "missing"),
          delPrefix("ns", "nothing-here"),
          delPrefix("elsewhere", ""),
          put("ns", "k", "dup", true, rid(1, 1), 2000)); // duplicate request
      assertEquals(2, a.events().getRevision());
      assertEquals(0, a.events().getEventsCount());
      assertNull(stored(f, 2), "no history row for a revision without events");
      assertEquals(List.of(1L), storedRevisions(f));
      assertEquals(1, f.applier.history().size());
    }
  }

  @Test
  void historyIsTrimmedByCountAndRecordsTheFloor() throws Exception {
    try (Fixture f = Fixture.open(tmp.resolve("db"), 3, Fixture.BIG)) {
      for (int i = 1; i <= 3; i++) {
        f.applyAt(i, put("ns", "k" + i, "v", false));
      }
      assertEquals(1, f.applier.history().oldestRevision());
      assertNull(f.store.get(Cf.META, EventHistory.TRIMMED_KEY), "nothing trimmed yet");

      f.applyAt(4, del("ns", "missing"));           // no events: nothing appended, nothing trimmed
      f.applyAt(5, put("ns", "k5", "v", false));
      assertEquals(List.of(2L, 3L, 5L), storedRevisions(f));
      assertEquals(2, f.applier.history().oldestRevision());
      f.applyAt(6, put("ns", "k6", "v", false));
      f.applyAt(7, put("ns", "k7", "v", false));
      assertEquals(List.of(5L, 6L, 7L), storedRevisions(f));
      // revision 4 had no events, so history is complete from 4 on
      assertEquals(4, f.applier.history().oldestRevision());
      assertArrayEquals(EventHistory.key(4), f.store.get(Cf.META, EventHistory.TRIMMED_KEY));
      assertEquals(3, f.applier.history().size());
    }
  }

  @Test
  void historyIsTrimmedByBytesButKeepsTheNewestBatch() throws Exception {
    // measure one batch's size with an unbounded history
    int batchBytes;
    try (Fixture probe = Fixture.open(tmp.resolve("probe"))) {
      batchBytes = probe.applyAt(1, put("ns", "k1", value(100), false)).events().getSerializedSize();
    }
    try (Fixture f = Fixture.open(tmp.resolve("db"), 1000, 2L * batchBytes + batchBytes / 2)) {
      for (int i = 1; i <= 5; i++) {
        assertEquals(batchBytes, f.applyAt(i, put("ns", "k" + i, value(100), false)).events().getSerializedSize());
      }
      assertEquals(List.of(4L, 5L), storedRevisions(f), "two batches fit the byte budget");
      assertEquals(4, f.applier.history().oldestRevision());

      // one batch larger than the whole budget: it alone is kept
      f.applyAt(6, put("ns", "big", value(10 * batchBytes), false));
      assertEquals(List.of(6L), storedRevisions(f));
      assertEquals(6, f.applier.history().oldestRevision());
      assertNotNull(stored(f, 6));
    }
  }

  @Test
  void historySurvivesCloseAndReopen() throws Exception {
    Path dir = tmp.resolve("db");
    List<EventBatch> batches = new ArrayList<>();
    try (Fixture f = Fixture.open(dir, 4, Fixture.BIG)) {
      for (int i = 1; i <= 6; i++) {
        batches.add(f.applyAt(i, put("ns", "k" + i, "v" + i, false)).events());
      }
      assertEquals(3, f.applier.history().oldestRevision());

      f.reopen(true);
      EventHistory h = f.applier.history();
      assertEquals(4, h.size());
      assertEquals(3, h.oldestRevision());
      for (int rev = 3; rev <= 6; rev++) {
        assertEquals(batches.get(rev - 1), stored(f, rev));
      }
      // trimming continues from the reloaded bookkeeping
      f.applyAt(7, put("ns", "k7", "v7", false));
      assertEquals(List.of(4L, 5L, 6L, 7L), storedRevisions(f));
      assertEquals(4, h.oldestRevision());
      assertEquals(4, h.size());
    }
  }

  @Test
  void aFreshHistoryLoadsEmptyAndStartsAtOne() throws Exception {
    try (Fixture f = Fixture.open(tmp.resolve("db"))) {
      assertEquals(0, f.applier.history().size());
      assertEquals(1, f.applier.history().oldestRevision());
      assertEquals(List.of(), storedRevisions(f));
    }
  }
}
