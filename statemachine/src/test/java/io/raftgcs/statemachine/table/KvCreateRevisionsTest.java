package io.raftgcs.statemachine.table;

import static io.raftgcs.statemachine.Fixture.del;
import static io.raftgcs.statemachine.Fixture.delPrefix;
import static io.raftgcs.statemachine.Fixture.put;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.raftgcs.statemachine.Fixture;
import io.raftgcs.statemachine.apply.Txn;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The create-revision cache mirrors the committed rows: an entry's rows count only once it is written. */
class KvCreateRevisionsTest {
  @TempDir Path tmp;
  Fixture f;

  @BeforeEach
  void open() throws Exception {
    f = Fixture.open(tmp.resolve("db"));
  }

  @AfterEach
  void close() {
    f.close();
  }

  private static byte[] rk(String key) {
    return KvTable.rowKey("ns", ByteString.copyFromUtf8(key));
  }

  private long lookup(KvCreateRevisions c, String key) {
    try (Txn txn = new Txn(f.store, Fixture.TERM, f.index() + 1)) {
      return c.lookup(txn, rk(key));
    }
  }

  @Test
  void aMissReadsTheStoreAndCachesTheRow() {
    f.applyAt(5, put("ns", "k", "v", true));
    KvCreateRevisions c = new KvCreateRevisions(8);
    assertEquals(5, lookup(c, "k"));
    assertEquals(1, c.size(), "the row read is cached");
    assertEquals(0, lookup(c, "absent"));
    assertEquals(1, c.size(), "absence is not cached");
  }

  @Test
  void anEntrysRowsCountOnlyOnceCommitted() {
    KvCreateRevisions c = new KvCreateRevisions(8);
    c.put(rk("k"), 7);
    assertEquals(7, lookup(c, "k"), "the entry sees its own write");
    c.discard();
    assertEquals(0, lookup(c, "k"), "a discarded entry leaves nothing behind");

    c.put(rk("k"), 7);
    c.commit();
    assertEquals(7, lookup(c, "k"));
    c.delete(rk("k"));
    assertEquals(0, lookup(c, "k"), "the entry sees its own delete");
    c.commit();
    assertEquals(0, c.size(), "a committed delete drops the row");
  }

  @Test
  void boundedLeastRecentlyUsedFirst() {
    KvCreateRevisions c = new KvCreateRevisions(2);
    c.put(rk("a"), 1);
    c.put(rk("b"), 2);
    c.commit();
    assertEquals(1, lookup(c, "a"), "touch a");
    c.put(rk("c"), 3);
    c.commit();
    assertEquals(2, c.size());
    // b was least recently used: gone from the cache, and not in the store (it was never written there).
    assertEquals(0, lookup(c, "b"));
    assertEquals(1, lookup(c, "a"));
  }

  @Test
  void createRevisionsSurviveDeletesAndPrefixDeletesThroughTheApplier() {
    f.applyAt(5, put("ns", "k", "v1", true));
    f.applyAt(6, put("ns", "k", "v2", true));
    assertEquals(5, f.row("ns", "k").getCreateRevision());
    f.applyAt(7, del("ns", "k"));
    f.applyAt(8, put("ns", "k", "v3", true));
    assertEquals(8, f.row("ns", "k").getCreateRevision(), "a deleted key is created anew");
    f.applyAt(9, put("ns", "p1", "x", true), delPrefix("ns", "p"), put("ns", "p1", "y", true));
    assertEquals(9, f.row("ns", "p1").getCreateRevision());
    f.applyAt(10, delPrefix("ns", "p"));
    f.applyAt(11, put("ns", "p1", "z", false));
    assertEquals(11, f.row("ns", "p1").getCreateRevision(), "the prefix delete reached the cache");
  }
}
