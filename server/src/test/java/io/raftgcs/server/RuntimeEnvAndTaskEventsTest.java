package io.raftgcs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftgcs.proto.AddTaskEventDataRequest;
import io.raftgcs.proto.GetRuntimeEnvPinsRequest;
import io.raftgcs.proto.GetTaskEventsReply;
import io.raftgcs.proto.GetTaskEventsRequest;
import io.raftgcs.proto.PinRuntimeEnvURIRequest;
import io.raftgcs.proto.ReadOptions;
import io.raftgcs.proto.RuntimeEnvPin;
import io.raftgcs.proto.TaskEventData;
import io.raftgcs.proto.TaskEventFilters;
import io.raftgcs.proto.TaskEvents;
import io.raftgcs.proto.TaskStatus;
import io.raftgcs.server.api.Errors;
import io.raftgcs.server.testing.ManualClock;
import io.raftgcs.server.testing.MiniGcsCluster;
import io.raftgcs.server.testing.Stubs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime-env pins (replicated; expired only by leader-proposed commands carrying the leader's clock, driven
 * here by a ManualClock far from real time) and task events (leader-local soft state: merged per attempt,
 * bounded with counted evictions, leader-only, explicit about what a new leader does not have).
 */
class RuntimeEnvAndTaskEventsTest {
  private static final long T0 = 1_000_000;
  @TempDir Path dir;

  private static PinRuntimeEnvURIRequest pin(Stubs s, String uri, int seconds) {
    return PinRuntimeEnvURIRequest.newBuilder().setRequestId(s.rid()).setUri(uri).setExpirationS(seconds).build();
  }

  private static List<String> pinned(Stubs s, String ep, boolean stale) {
    return s.runtimeEnv(ep).getRuntimeEnvPins(GetRuntimeEnvPinsRequest.newBuilder()
        .setRead(ReadOptions.newBuilder().setStale(stale)).build()).getPinsList().stream().map(RuntimeEnvPin::getUri)
        .toList();
  }

  private static void awaitPinned(MiniGcsCluster c, Stubs s, List<String> want) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    List<String> now = pinned(s, c.endpoint(c.leader()), false);
    while (!now.equals(want)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("pins " + now + ", want " + want);
      }
      Thread.sleep(20);
      now = pinned(s, c.endpoint(c.leader()), false);
    }
  }

  @Test
  void pinsExtendAndExpireByTheLeadersClockAlsoAfterFailover() throws Exception {
    System.setProperty("raftgcs.runtimeEnv.expiryPeriodMs", "50");
    ManualClock clock = new ManualClock(T0);
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir, UnaryOperator.identity(), clock); Stubs s = new Stubs()) {
      String ep = c.endpoint(c.leader());
      assertEquals(T0 + 10_000, s.runtimeEnv(ep).pinRuntimeEnvURI(pin(s, "gcs://a.zip", 10)).getExpiresAtMs());
      assertEquals(T0 + 30_000, s.runtimeEnv(ep).pinRuntimeEnvURI(pin(s, "gcs://b.zip", 30)).getExpiresAtMs());
      assertEquals(T0 + 10_000, s.runtimeEnv(ep).pinRuntimeEnvURI(pin(s, "gcs://a.zip", 5)).getExpiresAtMs(),
          "re-pinning never shortens a pin");
      clock.advance(8_000);
      assertEquals(T0 + 28_000, s.runtimeEnv(ep).pinRuntimeEnvURI(pin(s, "gcs://a.zip", 20)).getExpiresAtMs(),
          "re-pinning extends to the later expiry");

      clock.advance(7_000);   // T0 + 15 s: a's first expiry has passed, but it was extended
      Thread.sleep(400);
      assertEquals(List.of("gcs://a.zip", "gcs://b.zip"), pinned(s, ep, false));

      clock.advance(14_000);  // T0 + 29 s: a is due, b is not
      awaitPinned(c, s, List.of("gcs://b.zip"));
      c.awaitConverged(Duration.ofSeconds(10));
      for (int i = 0; i < c.size(); i++) {
        assertEquals(List.of("gcs://b.zip"), pinned(s, c.endpoint(i), true), "replica " + i);
      }

      // The pin survives a failover (it is replicated); the new leader's expirer removes it when due.
      int old = c.leader();
      c.kill(old);
      c.awaitLeader(Duration.ofSeconds(20));
      assertEquals(List.of("gcs://b.zip"), pinned(s, c.endpoint(c.leader()), false));
      clock.advance(2_000);   // T0 + 31 s
      awaitPinned(c, s, List.of());
      c.restart(old);
      c.awaitConverged(Duration.ofSeconds(20));

      String ep2 = c.endpoint(c.leader());
      for (Object[] tc : new Object[][] {{pin(s, "", 1), "uri"}, {pin(s, "x", -1), "expiration_s"}}) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> s.runtimeEnv(ep2).pinRuntimeEnvURI((PinRuntimeEnvURIRequest) tc[0]));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith((String) tc[1]), e.getStatus().getDescription());
      }
    } finally {
      System.clearProperty("raftgcs.runtimeEnv.expiryPeriodMs");
    }
  }

  private static TaskEvents ev(String task, String job, TaskStatus st, long ts) {
    return TaskEvents.newBuilder().setTaskId(ByteString.copyFromUtf8(task)).setJobId(ByteString.copyFromUtf8(job))
        .setState(st).putStateTsMs(st.getNumber(), ts).build();
  }

  private static void add(Stubs s, String ep, TaskEvents... events) {
    s.tasks(ep).addTaskEventData(AddTaskEventDataRequest.newBuilder().setData(TaskEventData.newBuilder()
        .addAllEventsByTask(List.of(events))).build());
  }

  private static GetTaskEventsReply get(Stubs s, String ep, TaskEventFilters f, Long limit) {
    GetTaskEventsRequest.Builder b = GetTaskEventsRequest.newBuilder().setFilters(f);
    if (limit != null) {
      b.setLimit(limit);
    }
    return s.tasks(ep).getTaskEvents(b.build());
  }

  @Test
  void taskEventsAreLeaderLocalMergedBoundedAndHonestAfterFailover() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir); Stubs s = new Stubs()) {
      int leader = c.leader();
      String ep = c.endpoint(leader);
      for (int i = 0; i < c.size(); i++) {
        c.server(i).taskEvents().setMaxTasks(5);
      }
      add(s, ep, ev("t1", "j1", TaskStatus.PENDING_NODE_ASSIGNMENT, 10), ev("t2", "j1", TaskStatus.RUNNING, 11),
          ev("t3", "j1", TaskStatus.FAILED, 12), ev("t4", "j2", TaskStatus.RUNNING, 13).toBuilder()
              .setActorId(ByteString.copyFromUtf8("a1")).setName("A.f").build());
      add(s, ep, ev("t1", "", TaskStatus.FINISHED, 30));
      add(s, ep, ev("t1", "", TaskStatus.RUNNING, 20).toBuilder().setName("f").build());   // late, out of order

      GetTaskEventsReply all = get(s, ep, TaskEventFilters.getDefaultInstance(), null);
      assertEquals(4, all.getEventsByTaskCount());
      assertTrue(all.getComplete(), "the first leader has seen everything");
      assertEquals(c.config(leader).id(), all.getLeaderId());
      TaskEvents t1 = all.getEventsByTask(0);
      assertEquals(TaskStatus.FINISHED, t1.getState(), "the latest timestamp wins");
      assertEquals(3, t1.getStateTsMsCount());
      assertEquals("j1", t1.getJobId().toStringUtf8(), "an empty field does not overwrite");
      assertEquals("f", t1.getName());

      assertEquals(3, get(s, ep, TaskEventFilters.newBuilder().setJobId(ByteString.copyFromUtf8("j1")).build(), null)
          .getEventsByTaskCount());
      assertEquals("t1", get(s, ep, TaskEventFilters.newBuilder().setState(TaskStatus.FINISHED).setHasState(true)
          .build(), null).getEventsByTask(0).getTaskId().toStringUtf8());
      assertEquals("t4", get(s, ep, TaskEventFilters.newBuilder().setActorId(ByteString.copyFromUtf8("a1")).build(),
          null).getEventsByTask(0).getTaskId().toStringUtf8());
      assertEquals("t4", get(s, ep, TaskEventFilters.newBuilder().setName("A.f").build(), null)
          .getEventsByTask(0).getTaskId().toStringUtf8());
      assertEquals(1, get(s, ep, TaskEventFilters.newBuilder().setTaskId(ByteString.copyFromUtf8("t3")).build(), null)
          .getEventsByTaskCount());
      GetTaskEventsReply limited = get(s, ep, TaskEventFilters.newBuilder().setJobId(ByteString.copyFromUtf8("j1"))
          .build(), 1L);
      assertEquals(1, limited.getEventsByTaskCount());
      assertEquals(2, limited.getNumTruncated());
      assertEquals(1, limited.getNumFilteredOnGcs());
      assertEquals(4, limited.getNumTotalStored());

      // Bounded: 3 more attempts over a bound of 5 evict the 2 oldest, counted.
      add(s, ep, ev("t5", "j3", TaskStatus.RUNNING, 40), ev("t6", "j3", TaskStatus.RUNNING, 41),
          ev("t7", "j3", TaskStatus.RUNNING, 42));
      GetTaskEventsReply bounded = get(s, ep, TaskEventFilters.getDefaultInstance(), null);
      assertEquals(5, bounded.getNumTotalStored());
      assertEquals(List.of("t3", "t4", "t5", "t6", "t7"), bounded.getEventsByTaskList().stream()
          .map(e -> e.getTaskId().toStringUtf8()).toList());
      assertEquals(2, bounded.getNumEvictedByLimit());
      assertEquals(2, bounded.getNumStatusTaskEventsDropped());
      assertFalse(bounded.getComplete());

      // A follower refuses with the leader hint, like a write.
      int follower = (leader + 1) % c.size();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> get(s, c.endpoint(follower), TaskEventFilters.getDefaultInstance(), null));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
      assertEquals(ep, e.getTrailers().get(Errors.LEADER_API));

      // After a leader change the new leader starts empty and says its answer is partial.
      c.transferLeadership(follower);
      c.awaitLeader(Duration.ofSeconds(20));
      String ep2 = c.endpoint(c.leader());
      assertNotEquals(ep, ep2);
      GetTaskEventsReply fresh = awaitAnswer(s, ep2);
      assertEquals(0, fresh.getEventsByTaskCount());
      assertFalse(fresh.getComplete(), "events reported to the previous leader are gone, and the reply says so");
      assertTrue(fresh.getSinceMs() > 0);
      assertEquals(c.config(c.leader()).id(), fresh.getLeaderId());
      add(s, ep2, ev("t8", "j4", TaskStatus.RUNNING, 50));
      assertEquals(1, get(s, ep2, TaskEventFilters.getDefaultInstance(), null).getEventsByTaskCount());
      StatusRuntimeException old = assertThrows(StatusRuntimeException.class, () -> add(s, ep, ev("t9", "j", TaskStatus.NIL, 1)));
      assertEquals(Status.Code.UNAVAILABLE, old.getStatus().getCode());
      assertNotNull(old.getTrailers().get(Errors.LEADER_API));

      StatusRuntimeException bad = assertThrows(StatusRuntimeException.class,
          () -> add(s, ep2, TaskEvents.newBuilder().build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
      assertTrue(bad.getStatus().getDescription().startsWith("data.events_by_task[0].task_id"));
    }
  }

  /** The new leader may still be taking office: retry UNAVAILABLE briefly. */
  private static GetTaskEventsReply awaitAnswer(Stubs s, String ep) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        return get(s, ep, TaskEventFilters.getDefaultInstance(), null);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
