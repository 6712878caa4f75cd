package io.raftgcs.statemachine.apply;

import static io.raftgcs.statemachine.Fixture.del;
import static io.raftgcs.statemachine.Fixture.put;
import static io.raftgcs.statemachine.Fixture.rid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgcs.proto.CommandResult;
import io.raftgcs.proto.RequestId;
import io.raftgcs.statemachine.Fixture;
import io.raftgcs.statemachine.Limits;
import io.raftgcs.statemachine.store.Cf;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A retried request id is answered from its record, never re-applied, until its session expires. */
class ExactlyOnceTest {
  static final long T0 = 1_700_000_000_000L;
  static final long TTL = Limits.SESSION_TTL_MS;

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

  @Test
  void retryInALaterEntryReturnsTheOriginalResultAndChangesNothing() {
    RequestId id = rid(1, 1);
    CommandResult first = f.one(put("ns", "k", "v1", true, id, T0));
    assertTrue(first.getKvPut().getAdded());

    String digestBefore = f.digest().hex();
    // same id, different payload (a retry must not be re-applied, whatever it carries)
    CommandApplier.Applied retry = f.apply(put("ns", "k", "v2", true, id, T0 + 1000));
    assertEquals(first, retry.result().getResults(0), "answered from the record");
    assertEquals(0, retry.events().getEventsCount(), "no events for a duplicate");
    assertEquals("v1", f.getString("ns", "k"));
    assertEquals(1, f.row("ns", "k").getModRevision());
    assertEquals(digestBefore, f.digest().hex(), "tables identical");
    assertEquals(2, f.store.appliedTermIndex(null)[1], "but the index advanced");

    // a new seq of the same client is a new request
    CommandResult next = f.one(put("ns", "k", "v3", true, rid(1, 2), T0 + 2000));
    assertFalse(next.getKvPut().getAdded());
    assertEquals("v3", f.getString("ns", "k"));
    // the same seq of another client too
    f.one(put("ns", "k", "v4", true, rid(2, 1), T0 + 3000));
    assertEquals("v4", f.getString("ns", "k"));
    assertEquals(3, f.count(Cf.SESSIONS));
  }

  @Test
  void retryInsideTheSameEntryIsAppliedOnce() {
    RequestId id = rid(7, 42);
    CommandApplier.Applied a = f.apply(put("ns", "k", "v1", false, id, T0), put("ns", "k", "v2", true, id, T0));
    CommandResult r0 = a.result().getResults(0);
    CommandResult r1 = a.result().getResults(1);
    assertTrue(r0.getKvPut().getAdded());
    assertEquals(r0, r1);
    assertEquals("v1", f.getString("ns", "k"));
    assertEquals(1, a.events().getEventsCount(), "one PUT, not two");
    assertEquals(1, f.count(Cf.SESSIONS));
  }

  @Test
  void retriedDeleteDoesNotDeleteAKeyWrittenSince() {
    f.one(put("ns", "k", "v1", false));
    RequestId id = rid(3, 1);
    CommandResult first = f.one(del("ns", "k", false, id, T0));
    assertEquals(1, first.getKvDel().getDeletedNum());
    f.one(put("ns", "k", "v2", false));
    CommandResult retry = f.one(del("ns", "k", false, id, T0 + 10));
    assertEquals(1, retry.getKvDel().getDeletedNum(), "the original answer");
    assertEquals("v2", f.getString("ns", "k"), "the key written after the delete survives the retry");
  }

  @Test
  void untrackedCommandsAreAlwaysApplied() {
    f.one(put("ns", "k", "v1", true));
    f.one(put("ns", "k", "v2", true));
    assertEquals("v2", f.getString("ns", "k"));
    assertEquals(0, f.count(Cf.SESSIONS), "no request id, no session record");
  }

  @Test
  void sessionsExpireByLeaderTimeAfterTheTtl() {
    RequestId id = rid(1, 1);
    assertTrue(f.one(put("ns", "k", "v1", true, id, T0)).getKvPut().getAdded());

    // exactly TTL later the record is still there (expiry is strictly older than the TTL)
    f.one(put("other", "x", "y", true, null, T0 + TTL));
    CommandResult atTtl = f.one(put("ns", "k", "v2", true, id, T0 + TTL));
    assertTrue(atTtl.getKvPut().getAdded(), "still the remembered answer");
    assertEquals("v1", f.getString("ns", "k"));
    assertEquals(1, f.count(Cf.SESSIONS));

    // an entry one millisecond later drops it...
    f.one(put("other", "x", "y", true, null, T0 + TTL + 1));
    assertEquals(0, f.count(Cf.SESSIONS), "expired record deleted from the replicated table");
    // ...so the old id is a new request now
    CommandResult anew = f.one(put("ns", "k", "v2", true, id, T0 + TTL + 2));
    assertFalse(anew.getKvPut().getAdded(), "applied anew: the key already existed");
    assertEquals("v2", f.getString("ns", "k"));
    assertEquals(1, f.count(Cf.SESSIONS));
  }

  @Test
  void expiryKeepsRecentSessionsAndSurvivesReopen() throws Exception {
    f.one(put("ns", "old", "1", true, rid(1, 1), T0));
    f.one(put("ns", "mid", "1", true, rid(1, 2), T0 + TTL / 2));
    f.one(put("ns", "new", "1", true, rid(1, 3), T0 + TTL));
    assertEquals(3, f.count(Cf.SESSIONS));

    // restart: the expiry index is rebuilt from the store
    f.reopen(true);
    assertEquals(3, f.index());
    f.one(put("ns", "z", "1", false, null, T0 + TTL + TTL / 2 + 1)); // old and mid are past the TTL
    assertEquals(1, f.count(Cf.SESSIONS));
    // the surviving one is still deduplicated; the expired ones are applied anew
    assertTrue(f.one(put("ns", "new", "2", true, rid(1, 3), T0 + 2 * TTL)).getKvPut().getAdded());
    assertEquals("1", f.getString("ns", "new"));
    f.one(put("ns", "old", "2", true, rid(1, 1), T0 + 2 * TTL));
    assertEquals("2", f.getString("ns", "old"));
  }

  @Test
  void pastTheRecordBoundTheOldestSessionsAreDroppedFirstAndTheBoundSurvivesReopen() throws Exception {
    f.maxSessions = 2;
    f.reopen(true);
    f.one(put("ns", "a", "1", true, rid(1, 1), T0 + 20));
    f.one(put("ns", "b", "1", true, rid(2, 1), T0 + 10)); // older leader time, though applied later
    f.one(put("ns", "c", "1", true, rid(3, 1), T0 + 30));
    assertEquals(2, f.count(Cf.SESSIONS), "one record over the bound: the oldest by leader time went");

    // the dropped one (client 2, time T0 + 10) is applied anew, and its new record pushes out a's (T0 + 20);
    // c's is still there, across a reopen too
    f.one(put("ns", "b", "2", true, rid(2, 1), T0 + 40));
    assertEquals("2", f.getString("ns", "b"));
    f.reopen(true);
    assertTrue(f.one(put("ns", "c", "2", true, rid(3, 1), T0 + 50)).getKvPut().getAdded(), "remembered answer");
    assertEquals("1", f.getString("ns", "c"));
    assertEquals(2, f.count(Cf.SESSIONS));
  }
}
