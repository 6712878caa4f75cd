package io.raftgcs.statemachine.table;

import static io.raftgcs.statemachine.Fixture.bs;
import static io.raftgcs.statemachine.Fixture.del;
import static io.raftgcs.statemachine.Fixture.delPrefix;
import static io.raftgcs.statemachine.Fixture.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ApplyResult;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.CommandResult;
import io.raftgcs.proto.InternalKVKeysRequest;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.KvEntry;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.ResultCode;
import io.raftgcs.statemachine.Fixture;
import io.raftgcs.statemachine.StateDigest;
import io.raftgcs.statemachine.apply.CommandApplier;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ray's internal-KV semantics, applied through {@link CommandApplier} and read through the query path. */
class KvTableTest {
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

  private static boolean added(CommandResult r) {
    assertEquals(ResultCode.OK, r.getCode(), r.getMessage());
    assertTrue(r.hasKvPut(), "put result body");
    return r.getKvPut().getAdded();
  }

  private static long deleted(CommandResult r) {
    assertEquals(ResultCode.OK, r.getCode(), r.getMessage());
    assertTrue(r.hasKvDel(), "del result body");
    return r.getKvDel().getDeletedNum();
  }

  @Test
  void putReportsAddedOnlyForNewKeysAndHonoursOverwrite() {
    assertTrue(added(f.one(put("ns", "k", "v1", false))));
    assertEquals("v1", f.getString("ns", "k"));

    assertFalse(added(f.one(put("ns", "k", "v2", false))), "existing key: not added");
    assertEquals("v1", f.getString("ns", "k"), "overwrite=false keeps the old value");

    assertFalse(added(f.one(put("ns", "k", "v3", true))), "overwrite of an existing key is not an add");
    assertEquals("v3", f.getString("ns", "k"));

    assertTrue(added(f.one(put("ns", "fresh", "x", true))), "overwrite=true on a new key adds it");
  }

  @Test
  void rowRevisionsComeFromTheEntryIndex() {
    f.applyAt(5, put("ns", "k", "v1", false));
    assertEquals(KvEntry.newBuilder().setValue(bs("v1")).setCreateRevision(5).setModRevision(5).build(),
        f.row("ns", "k"));

    f.applyAt(9, put("ns", "k", "v2", false)); // refused: nothing changes
    assertEquals(5, f.row("ns", "k").getModRevision());

    f.applyAt(12, put("ns", "k", "v3", true));
    assertEquals(KvEntry.newBuilder().setValue(bs("v3")).setCreateRevision(5).setModRevision(12).build(),
        f.row("ns", "k"));

    f.applyAt(13, del("ns", "k"));
    f.applyAt(20, put("ns", "k", "v4", false));
    assertEquals(20, f.row("ns", "k").getCreateRevision(), "re-created key starts a new life");
    assertEquals(20, f.row("ns", "k").getModRevision());
  }

  @Test
  void getExistsMultiGet() {
    f.apply(put("ns", "a", "1", false), put("ns", "b", "2", false), put("ns", "c", "3", false));
    assertEquals("2", f.getString("ns", "b"));
    assertNull(f.get("ns", "zz"));
    assertTrue(f.exists("ns", "a"));
    assertFalse(f.exists("ns", "zz"));
    assertFalse(f.exists("other", "a"));
    // only existing keys, in request order (not key order), duplicates as asked
    assertEquals(List.of("c=3", "a=1", "b=2"), f.multiGet("ns", "c", "missing", "a", "b"));
    assertEquals(List.of(), f.multiGet("ns", "x", "y"));
    assertEquals(List.of(), f.multiGet("other", "a", "b"));
  }

  @Test
  void emptyValueIsStillAValue() {
    assertTrue(added(f.one(put("ns", "k", "", false))));
    assertTrue(f.exists("ns", "k"));
    assertArrayEquals(new byte[0], f.get("ns", "k"));
  }

  @Test
  void keysArePrefixFilteredAndSortedByUnsignedBytes() {
    f.apply(put("ns", "b2", "", false), put("ns", "a", "", false), put("ns", "b1", "", false),
        put("ns", "b", "", false), put("ns", "c", "", false));
    assertEquals(List.of("a", "b", "b1", "b2", "c"), f.keys("ns", ""));
    assertEquals(List.of("b", "b1", "b2"), f.keys("ns", "b"));
    assertEquals(List.of("b1"), f.keys("ns", "b1"));
    assertEquals(List.of(), f.keys("ns", "d"));

    // raw bytes: 0xff sorts after 0x7f (unsigned), 0x00 inside a key is fine
    byte[][] raw = {{(byte) 0xff}, {0x7f}, {(byte) 0x80, 0x00}, {0x01}};
    for (byte[] k : raw) {
      f.one(Command.newBuilder().setKvPut(InternalKVPutRequest.newBuilder().setNamespace("raw")
          .setKey(ByteString.copyFrom(k)).setValue(bs("v"))).build());
    }
    List<ByteString> got = f.query(Query.newBuilder().setKvKeys(InternalKVKeysRequest.newBuilder()
        .setNamespace("raw")).build()).getKvKeys().getResultsList();
    assertEquals(List.of(ByteString.copyFrom(new byte[] {0x01}), ByteString.copyFrom(new byte[] {0x7f}),
        ByteString.copyFrom(new byte[] {(byte) 0x80, 0x00}), ByteString.copyFrom(new byte[] {(byte) 0xff})), got);
  }

  @Test
  void delByKeyCountsZeroOrOne() {
    f.apply(put("ns", "k", "v", false), put("ns", "k2", "v", false));
    assertEquals(0, deleted(f.one(del("ns", "missing"))));
    assertEquals(1, deleted(f.one(del("ns", "k"))));
    assertFalse(f.exists("ns", "k"));
    assertTrue(f.exists("ns", "k2"), "only the named key goes");
    assertEquals(0, deleted(f.one(del("ns", "k"))), "second delete finds nothing");
    // by key means the exact key, not a prefix
    assertEquals(0, deleted(f.one(del("ns", "k2x"))));
    assertEquals(0, deleted(f.one(del("ns", ""))));
    assertTrue(f.exists("ns", "k2"));
  }

  @Test
  void delByPrefixCountsAndRemovesOnlyMatches() {
    f.apply(put("ns", "job:1", "", false), put("ns", "job:2", "", false), put("ns", "job", "", false),
        put("ns", "jo", "", false), put("ns", "other", "", false));
    assertEquals(3, deleted(f.one(delPrefix("ns", "job"))));
    assertEquals(List.of("jo", "other"), f.keys("ns", ""));
    assertEquals(0, deleted(f.one(delPrefix("ns", "job"))));
    assertEquals(2, deleted(f.one(delPrefix("ns", ""))), "empty prefix clears the namespace");
    assertEquals(List.of(), f.keys("ns", ""));
  }

  @Test
  void namespacesAreIsolatedEvenWhenOneIsAPrefixOfAnother() {
    f.apply(put("a", "k", "in-a", false), put("b", "k", "in-b", false), put("ab", "k", "in-ab", false),
        put("ab", "x", "in-ab", false), put("", "k", "in-empty", false), put("a", "bk", "in-a", false));
    assertEquals("in-a", f.getString("a", "k"));
    assertEquals("in-b", f.getString("b", "k"));
    assertEquals("in-ab", f.getString("ab", "k"));
    assertEquals("in-empty", f.getString("", "k"));
    assertNull(f.get("a", "x"), "ab's key x is not visible in a");

    assertEquals(List.of("bk", "k"), f.keys("a", ""));
    assertEquals(List.of("bk"), f.keys("a", "b"), "a/b-prefix must not see namespace ab");
    assertEquals(List.of("k", "x"), f.keys("ab", ""));
    assertEquals(List.of("k"), f.keys("", ""));
    assertEquals(List.of(), f.keys("abc", ""));

    // delete everything in "a": "ab", "b" and "" untouched
    assertEquals(2, deleted(f.one(delPrefix("a", ""))));
    assertEquals(List.of("k", "x"), f.keys("ab", ""));
    assertEquals(List.of("k"), f.keys("b", ""));
    assertEquals(List.of("k"), f.keys("", ""));
    // delete everything in "": the others untouched
    assertEquals(1, deleted(f.one(delPrefix("", ""))));
    assertEquals(List.of("k", "x"), f.keys("ab", ""));
    assertEquals("in-b", f.getString("b", "k"));
    // delete of "k" in "b" does not touch "ab"/"k"
    assertEquals(1, deleted(f.one(del("b", "k"))));
    assertEquals("in-ab", f.getString("ab", "k"));
  }

  @Test
  void commandsInOneEntrySeeEachOthersWrites() {
    CommandApplier.Applied a = f.apply(
        put("ns", "k", "first", false),
        put("ns", "k", "second", false),   // sees the first: not added, value kept
        put("ns", "k2", "x", false),
        del("ns", "k2"),                   // sees k2 from this entry
        del("ns", "k2"),                   // and its own delete
        put("ns", "p1", "x", false),
        put("ns", "p2", "x", false),
        delPrefix("ns", "p"),              // counts both puts of this entry
        put("ns", "p1", "again", false));  // sees the prefix delete: added anew
    ApplyResult r = a.result();
    assertEquals(9, r.getResultsCount());
    assertTrue(added(r.getResults(0)));
    assertFalse(added(r.getResults(1)));
    assertTrue(added(r.getResults(2)));
    assertEquals(1, deleted(r.getResults(3)));
    assertEquals(0, deleted(r.getResults(4)));
    assertEquals(2, deleted(r.getResults(7)));
    assertTrue(added(r.getResults(8)));
    assertEquals("first", f.getString("ns", "k"));
    assertFalse(f.exists("ns", "k2"));
    assertNull(f.get("ns", "p2"));
    assertEquals("again", f.getString("ns", "p1"));
    assertEquals(List.of("k", "p1"), f.keys("ns", ""));
  }

  @Test
  void prefixDeleteInOneEntryCountsStoredAndBatchedRowsOnce() {
    f.apply(put("ns", "p1", "old", false), put("ns", "p3", "old", false));
    CommandApplier.Applied a = f.apply(put("ns", "p1", "new", true), put("ns", "p2", "new", false),
        delPrefix("ns", "p"));
    assertEquals(3, deleted(a.result().getResults(2)), "p1 (stored+overwritten), p2 (batched), p3 (stored)");
    assertEquals(List.of(), f.keys("ns", ""));
  }

  @Test
  void unknownOrEmptyCommandIsRejectedChangesNothingAndAdvancesTheIndex() {
    f.apply(put("ns", "k", "v", false));
    StateDigest.Value before = f.digest();
    assertEquals(1, before.index());

    Command empty = Command.newBuilder().setHeader(Fixture.header(null, 5)).build();
    // a body this build does not know (a field from a newer version): parses as BODY_NOT_SET
    Command future = Command.newBuilder().setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
        .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(bs("from the future")).build()).build()).build();
    Command reparsed = Fixture.parse(future.toByteArray(), Command.parser());
    assertEquals(Command.BodyCase.BODY_NOT_SET, reparsed.getBodyCase());

    CommandApplier.Applied a = f.apply(empty, reparsed);
    assertEquals(2, a.result().getRevision());
    assertEquals(2, a.result().getResultsCount());
    for (CommandResult r : a.result().getResultsList()) {
      assertEquals(ResultCode.INVALID_ARGUMENT, r.getCode());
      assertFalse(r.getMessage().isEmpty(), "a rejection says why");
      assertEquals(CommandResult.BodyCase.BODY_NOT_SET, r.getBodyCase());
    }
    assertEquals(0, a.events().getEventsCount());
    assertArrayEquals(GcsStore.encodeApplied(Fixture.TERM, 2), f.store.get(Cf.META, GcsStore.APPLIED_KEY));

    StateDigest.Value after = f.digest();
    assertEquals(2, after.index());
    assertEquals(before.hex(), after.hex(), "tables unchanged");
    assertEquals("v", f.getString("ns", "k"));
    assertEquals(2, f.query(Query.newBuilder().setKvKeys(InternalKVKeysRequest.getDefaultInstance()).build())
        .getRevision(), "queries report the advanced revision");

    // an entry with no commands at all: still advances
    CommandApplier.Applied none = f.apply();
    assertEquals(0, none.result().getResultsCount());
    assertEquals(3, f.store.appliedTermIndex(null)[1]);
    assertEquals(before.hex(), f.digest().hex());
  }

  @Test
  void queryWithoutBodyIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> f.query(Query.getDefaultInstance()));
  }

  @Test
  void queriesReportTheAppliedRevision() {
    assertEquals(0, f.query(Query.newBuilder().setKvKeys(InternalKVKeysRequest.getDefaultInstance()).build())
        .getRevision(), "empty store");
    f.applyAt(41, put("ns", "k", "v", false));
    assertEquals(41, f.query(Query.newBuilder().setKvKeys(InternalKVKeysRequest.getDefaultInstance()).build())
        .getRevision());
    List<Long> idx = new ArrayList<>();
    idx.add(f.store.appliedTermIndex(null)[0]);
    idx.add(f.store.appliedTermIndex(null)[1]);
    assertEquals(List.of(Fixture.TERM, 41L), idx);
  }
}
