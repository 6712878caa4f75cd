package io.raftgcs.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgcs.client.GcsClient;
import io.raftgcs.client.GcsException;
import io.raftgcs.client.MemberReport;
import io.raftgcs.proto.MemberStatus;
import io.raftgcs.server.testing.ProcessCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real gcs-server processes: writes continue through kill -9 of the leader, every acknowledged
 * write survives, the killed replica rejoins (also by snapshot install once the log was purged past it),
 * and all digests agree at the end.
 */
class ProcessFailoverTest {
  private static final String NS = "e2e";
  @TempDir Path dir;

  @Test
  void survivesLeaderKill9AndRejoinsBySnapshot() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(3, dir, List.of("--snapshot-threshold", "400", "--log-segment-bytes", "65536")).startAll();
        GcsClient client = GcsClient.builder().endpoints(cluster.endpoints()).deadline(Duration.ofSeconds(30)).build()) {
      awaitLeader(client);
      Map<String, String> acked = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger seq = new AtomicInteger();
      List<long[]> ackTimes = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread writer = new Thread(() -> {
        while (!stop.get()) {
          String k = "k" + seq.incrementAndGet();
          try {
            long sent = System.nanoTime();
            client.kv().put(NS, k, "v-" + k, true);
            acked.put(k, "v-" + k);
            ackTimes.add(new long[] {sent, System.nanoTime()});
          } catch (GcsException e) {
            // outcome unknown: the key may or may not exist; not counted as acknowledged
          }
        }
      }, "writer");
      writer.start();
      try {
        waitForAcks(acked, 100);

        // 1) kill -9 the leader; measure the gap to the next acknowledged write.
        int leader = cluster.indexOf(awaitLeader(client));
        long deadIndex = client.admin().status(cluster.endpoint(leader)).getAppliedIndex();
        long killedAt = System.nanoTime();
        cluster.kill9(leader);
        long nextAck = waitForAckAfter(ackTimes, killedAt, Duration.ofSeconds(10));
        long failoverMs = (nextAck - killedAt) / 1_000_000;
        System.out.println("failover: next acknowledged write " + failoverMs + " ms after kill -9 of the leader");
        assertTrue(failoverMs < 5000, "writes resumed after " + failoverMs + " ms");

        // 2) keep writing until the survivors have snapshotted and purged past the dead replica.
        String newLeader = awaitLeader(client);
        waitForAcks(acked, acked.size() + 1500);
        client.admin().takeSnapshot(cluster.endpoint(cluster.indexOf(newLeader)));
        waitForAcks(acked, acked.size() + 300);
        MemberStatus ls = client.admin().status(cluster.endpoint(cluster.indexOf(newLeader)));
        System.out.println("leader log starts at " + ls.getLogStartIndex() + ", snapshot " + ls.getSnapshotIndex());
        assertTrue(ls.getLogStartIndex() > deadIndex + 1, "log purged past the dead replica");

        // 3) the dead replica restarts and catches up by snapshot install.
        cluster.start(leader);
      } finally {
        Thread.sleep(500);
        stop.set(true);
        writer.join(40_000);
      }
      String digest = awaitConverged(client, 3, Duration.ofSeconds(60));
      assertTrue(!digest.isEmpty());

      // Every acknowledged write is readable, from every replica (stale read after convergence).
      for (int i = 0; i < 3; i++) {
        var kv = client.kv().stale().preferring(cluster.endpoint(i));
        for (Map.Entry<String, String> e : acked.entrySet()) {
          assertEquals(Optional.of(e.getValue()), kv.get(NS, e.getKey()), "replica " + i + " key " + e.getKey());
        }
      }
      System.out.println("acknowledged writes checked: " + acked.size());
    }
  }

  /** Five kill -9s of the leader under a steady writer; prints each gap to the next acknowledged write. */
  @Test
  void leaderKill9FiveTimes() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(3, dir, List.of()).startAll();
        GcsClient client = GcsClient.builder().endpoints(cluster.endpoints()).deadline(Duration.ofSeconds(30)).build()) {
      awaitLeader(client);
      Map<String, String> acked = new ConcurrentHashMap<>();
      List<long[]> ackTimes = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger seq = new AtomicInteger();
      Thread writer = new Thread(() -> {
        while (!stop.get()) {
          String k = "f" + seq.incrementAndGet();
          try {
            long sent = System.nanoTime();
            client.kv().put(NS, k, k, true);
            acked.put(k, k);
            ackTimes.add(new long[] {sent, System.nanoTime()});
          } catch (GcsException e) {
            // unknown outcome; not counted
          }
        }
      }, "writer");
      writer.start();
      List<Long> gaps = new ArrayList<>();
      try {
        for (int round = 0; round < 5; round++) {
          waitForAcks(acked, acked.size() + 50);
          int leader = cluster.indexOf(awaitLeader(client));
          long killedAt = System.nanoTime();
          cluster.kill9(leader);
          gaps.add((waitForAckAfter(ackTimes, killedAt, Duration.ofSeconds(15)) - killedAt) / 1_000_000);
          cluster.start(leader);
          awaitConverged(client, 3, Duration.ofSeconds(60));
        }
      } finally {
        stop.set(true);
        writer.join(40_000);
      }
      List<Long> sorted = new ArrayList<>(gaps);
      java.util.Collections.sort(sorted);
      System.out.println("failover gaps ms " + gaps + " median " + sorted.get(2) + " max " + sorted.get(4));
      awaitConverged(client, 3, Duration.ofSeconds(60));
      for (Map.Entry<String, String> e : acked.entrySet()) {
        assertEquals(Optional.of(e.getValue()), client.kv().get(NS, e.getKey()));
      }
    }
  }

  static String awaitLeader(GcsClient client) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (MemberReport r : client.admin().statusAll()) {
        if (r.status().isPresent() && r.status().get().getIsLeader()) {
          return r.status().get().getId();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no leader");
  }

  static String awaitConverged(GcsClient client, int members, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      List<MemberStatus> st = client.admin().statusAll().stream().flatMap(r -> r.status().stream()).toList();
      last = st.toString();
      if (st.size() == members && st.stream().map(MemberStatus::getDigest).distinct().count() == 1
          && st.stream().map(MemberStatus::getDigestIndex).distinct().count() == 1) {
        return st.get(0).getDigest();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("digests did not converge: " + last);
  }

  private static void waitForAcks(Map<String, String> acked, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (acked.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + acked.size() + " acknowledged writes, wanted " + n);
      }
      Thread.sleep(20);
    }
  }

  /** Ack time of the first write that was sent after {@code after} (a write in flight at the kill does not count). */
  private static long waitForAckAfter(List<long[]> ackTimes, long after, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (ackTimes) {
        for (long[] t : ackTimes) {
          if (t[0] > after) {
            return t[1];
          }
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no acknowledged write within " + timeout + " of the kill");
  }

}
