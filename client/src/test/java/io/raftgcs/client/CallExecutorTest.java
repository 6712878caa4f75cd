package io.raftgcs.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.raftgcs.proto.InternalKVGetReply;
import io.raftgcs.proto.InternalKVGetRequest;
import io.raftgcs.proto.InternalKVPutReply;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.Member;
import io.raftgcs.proto.MemberStatus;
import io.raftgcs.proto.RequestId;
import io.raftgcs.proto.ResponseHeader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Routing, hint following, backoff and request-id reuse, against scripted fake replicas. */
@Timeout(30)
class CallExecutorTest {
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private FakeReplica replica() throws Exception {
    FakeReplica r = new FakeReplica();
    open.add(r);
    return r;
  }

  private GcsClient client(Duration requestTimeout, Duration deadline, String... endpoints) {
    GcsClient c = GcsClient.builder().endpoints(List.of(endpoints))
        .requestTimeout(requestTimeout).deadline(deadline)
        .initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(50)).build();
    open.add(c);
    return c;
  }

  private GcsClient client(String... endpoints) {
    return client(Duration.ofSeconds(2), Duration.ofSeconds(10), endpoints);
  }

  private static Object putReply(Object req, long revision) {
    if (req instanceof InternalKVPutRequest) {
      return InternalKVPutReply.newBuilder().setAdded(true)
          .setHeader(ResponseHeader.newBuilder().setRevision(revision).setMemberId("n1")).build();
    }
    if (req instanceof InternalKVGetRequest g) {
      return InternalKVGetReply.newBuilder().setFound(true).setValue(g.getKey())
          .setHeader(ResponseHeader.newBuilder().setRevision(revision)).build();
    }
    return Status.UNIMPLEMENTED.asRuntimeException();
  }

  private static List<RequestId> putIds(FakeReplica... rs) {
    List<RequestId> ids = new ArrayList<>();
    for (FakeReplica r : rs) {
      r.requestsOf(InternalKVPutRequest.class)
          .forEach(o -> ids.add(((InternalKVPutRequest) o).getRequestId()));
    }
    return ids;
  }

  @Test
  void followsLeaderHintToAddressOutsideSeeds() throws Exception {
    FakeReplica leader = replica().answering(req -> putReply(req, 7));
    FakeReplica follower = replica().answering(req -> FakeReplica.notLeader(leader.address));
    GcsClient c = client(follower.address);

    assertTrue(c.kv().put("ns", "k", "v", true));
    assertEquals(leader.address, c.cachedLeader());
    assertEquals(7, c.lastRevision());
    assertEquals(1, follower.requests.size());

    c.kv().put("ns", "k2", "v", true); // goes straight to the cached leader
    assertEquals(1, follower.requests.size());
    assertEquals(2, leader.requests.size());
    List<RequestId> ids = putIds(follower, leader);
    assertEquals(ids.get(0), ids.get(1), "a retry must reuse the request id");
    assertEquals(16, ids.get(0).getClientId().size());
    assertTrue(ids.get(2).getSeq() > ids.get(1).getSeq());
  }

  @Test
  void rotatesWithoutHintAndKeepsRequestId() throws Exception {
    String dead = FakeReplica.deadAddress();
    AtomicInteger calls = new AtomicInteger();
    FakeReplica electing = replica().answering(req -> calls.incrementAndGet() <= 2
        ? FakeReplica.notLeader(null) : putReply(req, 3));
    FakeReplica other = replica().answering(req -> FakeReplica.notLeader(null));
    GcsClient c = client(dead, electing.address, other.address);

    assertTrue(c.kv().put("ns", "k", "v", false));
    List<RequestId> ids = putIds(electing, other);
    assertTrue(ids.size() >= 3, "attempts " + ids.size());
    assertTrue(ids.stream().distinct().count() == 1, "all attempts carry one request id");
    assertEquals(electing.address, c.cachedLeader());
  }

  @Test
  void retriesAfterPerAttemptTimeoutWithSameRequestId() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    FakeReplica slow = replica().answering(req -> calls.incrementAndGet() == 1
        ? null : putReply(req, 1));
    GcsClient c = client(Duration.ofMillis(200), Duration.ofSeconds(5), slow.address);

    assertTrue(c.kv().put("ns", "k", "v", true));
    List<RequestId> ids = putIds(slow);
    assertEquals(2, ids.size());
    assertEquals(ids.get(0), ids.get(1));
  }

  @Test
  void definitiveErrorsAreNotRetried() throws Exception {
    FakeReplica leader = replica().answering(req ->
        Status.INVALID_ARGUMENT.withDescription("key: too long").asRuntimeException());
    GcsClient c = client(leader.address);

    GcsException e = assertThrows(GcsException.class, () -> c.kv().put("ns", "k", "v", true));
    assertEquals(GcsException.Code.INVALID_ARGUMENT, e.code());
    assertFalse(e.isOutcomeUnknown());
    assertTrue(e.getMessage().contains("key: too long"), e.getMessage());
    assertEquals(1, leader.requests.size());
  }

  @Test
  void givesUpAtDeadlineWithOutcomeUnknownForWrites() throws Exception {
    FakeReplica a = replica().answering(req -> FakeReplica.notLeader(null));
    FakeReplica b = replica().answering(req -> FakeReplica.notLeader(null));
    GcsClient c = client(Duration.ofMillis(200), Duration.ofMillis(600), a.address, b.address);

    long t0 = System.nanoTime();
    GcsException w = assertThrows(GcsException.class, () -> c.kv().put("ns", "k", "v", true));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals(GcsException.Code.UNAVAILABLE, w.code());
    assertTrue(w.isOutcomeUnknown());
    assertTrue(ms < 5000, "took " + ms + " ms");
    assertTrue(a.requests.size() >= 2 && b.requests.size() >= 2, "rotated between replicas");

    GcsException r = assertThrows(GcsException.class, () -> c.kv().get("ns", "k"));
    assertFalse(r.isOutcomeUnknown(), "reads never have an unknown outcome");
  }

  @Test
  void hintLoopIsBoundedAndBacksOff() throws Exception {
    FakeReplica a = replica();
    FakeReplica b = replica();
    a.answering(req -> FakeReplica.notLeader(b.address));
    b.answering(req -> FakeReplica.notLeader(a.address));
    GcsClient c = client(Duration.ofMillis(200), Duration.ofMillis(500), a.address);

    GcsException e = assertThrows(GcsException.class, () -> c.kv().put("ns", "k", "v", true));
    assertEquals(GcsException.Code.UNAVAILABLE, e.code());
    int total = a.requests.size() + b.requests.size();
    assertTrue(total < 100, "ping-pong between stale hints must back off, saw " + total);
  }

  @Test
  void staleReadsGoToPreferredReplicaLinearizableToLeader() throws Exception {
    FakeReplica leader = replica().answering(req -> putReply(req, 9));
    FakeReplica follower = replica().answering(req -> req instanceof InternalKVGetRequest g
        && g.getRead().getStale() ? putReply(req, 4) : FakeReplica.notLeader(leader.address));
    GcsClient c = client(follower.address, leader.address);

    Optional<byte[]> v = c.kv().stale().preferring(follower.address).get("ns", "abc".getBytes());
    assertArrayEquals("abc".getBytes(), v.orElseThrow());
    assertEquals(1, follower.requests.size());
    assertEquals(0, leader.requests.size());

    c.kv().preferring(follower.address).get("ns", "abc"); // linearizable: ends at the leader
    assertEquals(1, leader.requests.size());
    assertFalse(((InternalKVGetRequest) leader.requests.get(0)).getRead().getStale());
    assertEquals(9, c.lastRevision());
  }

  @Test
  void statusAllReportsEveryMemberIncludingUnreachable() throws Exception {
    String dead = FakeReplica.deadAddress();
    FakeReplica n1 = replica();
    FakeReplica n2 = replica();
    List<Member> members = List.of(
        Member.newBuilder().setId("n1").setApiAddress(n1.address).build(),
        Member.newBuilder().setId("n2").setApiAddress(n2.address).build(),
        Member.newBuilder().setId("n3").setApiAddress(dead).build());
    n1.answering(req -> MemberStatus.newBuilder().setId("n1").setIsLeader(true)
        .setRole("LEADER").addAllMembers(members).build());
    n2.answering(req -> MemberStatus.newBuilder().setId("n2").setRole("FOLLOWER")
        .addAllMembers(members).build());
    GcsClient c = client(n1.address); // n2 and n3 are learned from n1's member list

    List<MemberReport> reports = c.admin().statusAll();
    assertEquals(List.of("n1", "n2", "n3"), reports.stream().map(MemberReport::memberId).toList());
    assertTrue(reports.get(0).reachable() && reports.get(1).reachable());
    assertFalse(reports.get(2).reachable());
    assertEquals(dead, reports.get(2).endpoint());
    assertEquals(GcsException.Code.UNAVAILABLE, reports.get(2).error().orElseThrow().code());
  }

  @Test
  void closeFailsPendingCalls() throws Exception {
    FakeReplica a = replica().answering(req -> FakeReplica.notLeader(null));
    GcsClient c = client(Duration.ofMillis(200), Duration.ofSeconds(20), a.address);
    CompletableFuture<Boolean> f = c.kv().putAsync("ns", "k".getBytes(), "v".getBytes(), true);
    Thread.sleep(100);
    c.close();
    GcsException e = assertThrows(GcsException.class, () -> Blocking.await(f));
    assertEquals(GcsException.Code.CANCELLED, e.code());
  }

  @Test
  void backoffStaysWithinBounds() {
    Backoff b = new Backoff(Duration.ofMillis(20), Duration.ofMillis(500));
    long prevCap = 20;
    for (int i = 0; i < 10; i++) {
      long d = TimeUnit.NANOSECONDS.toMillis(b.nextDelayNanos());
      assertTrue(d >= prevCap / 2 - 1 && d <= prevCap, "delay " + d + " cap " + prevCap);
      prevCap = Math.min(500, prevCap * 2);
    }
  }

  @Test
  void putRequestCarriesFields() throws Exception {
    FakeReplica leader = replica().answering(req -> putReply(req, 1));
    GcsClient c = client(leader.address);
    c.kv().put(null, new byte[] {1, 2}, new byte[] {3}, false);
    InternalKVPutRequest r = (InternalKVPutRequest) leader.requests.get(0);
    assertEquals("", r.getNamespace());
    assertEquals(ByteString.copyFrom(new byte[] {1, 2}), r.getKey());
    assertFalse(r.getOverwrite());
    assertEquals(1, r.getRequestId().getSeq());
  }
}
