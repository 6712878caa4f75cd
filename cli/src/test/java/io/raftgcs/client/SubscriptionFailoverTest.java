package io.raftgcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.server.testing.MiniGcsCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance test of event streams (lives in the cli module because client cannot depend on the
 * server's test-jar without a Maven cycle): a subscriber attached to a follower sees exactly the
 * committed sequence while its replica, and later the leader, are killed and restarted mid-stream.
 */
@Timeout(90)
class SubscriptionFailoverTest {
  private static final String NS = "acc";
  private static final int OPS = 300;

  @TempDir Path dir;

  /** One event as compared: (revision, key, kind, value). */
  record Seen(long revision, String key, String kind, String value) {
    static Seen of(Event e) {
      return new Seen(e.getRevision(), e.getKey().toStringUtf8(), e.getKind().name(),
          e.getValue().toStringUtf8());
    }
  }

  @Test
  void followerSubscriberSeesExactlyTheCommittedSequenceAcrossReplicaAndLeaderDeaths()
      throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir);
        GcsClient client = GcsClient.builder().endpoints(c.endpoints())
            .deadline(Duration.ofSeconds(30)).build()) {
      int leader = c.leader();
      int follower = (leader + 1) % 3;

      List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
      List<Long> batchRevisions = Collections.synchronizedList(new ArrayList<>());
      AtomicReference<GcsException> terminal = new AtomicReference<>();
      Subscription sub = client.subscribe(SubscribeOptions.kvPrefix(NS, "k/")
              .preferring(c.endpoint(follower)).progressInterval(Duration.ofMillis(200)),
          new Subscription.Listener() {
            @Override
            public void onEvents(EventBatch batch) {
              batchRevisions.add(batch.getRevision());
              batch.getEventsList().forEach(e -> seen.add(Seen.of(e)));
            }

            @Override
            public void onError(GcsException error) {
              terminal.set(error);
            }
          });
      long startedAfter = sub.started().get(10, TimeUnit.SECONDS);
      assertEquals(c.endpoint(follower), sub.endpoint());

      // Writer: puts with unique values and some deletes; each op retried by the client through
      // failovers with its request id.
      AtomicInteger done = new AtomicInteger();
      Set<String> ackedPuts = Collections.synchronizedSet(new HashSet<>());
      AtomicInteger ackedDeletes = new AtomicInteger();
      List<Throwable> writerErrors = Collections.synchronizedList(new ArrayList<>());
      Thread writer = new Thread(() -> {
        for (int i = 0; i < OPS; i++) {
          String key = "k/" + (i % 17);
          try {
            if (i % 5 == 4) {
              if (client.kv().del(NS, key) == 1) {
                ackedDeletes.incrementAndGet();
              }
            } else {
              String value = "v" + i;
              client.kv().put(NS, key, value, true);
              ackedPuts.add(key + "=" + value);
            }
            // A write outside the prefix: must never show up.
            if (i % 10 == 0) {
              client.kv().put(NS, "other/" + i, "x", true);
            }
          } catch (GcsException e) {
            writerErrors.add(e);
          }
          done.incrementAndGet();
          sleep(4);
        }
      }, "writer");
      writer.start();

      // 1. Kill the replica the subscriber is attached to, then bring it back.
      awaitOps(done, 60);
      c.kill(follower);
      awaitOps(done, 120);
      c.restart(follower);
      // 2. Make the subscriber's current replica the leader, then kill it (leader + subscriber).
      awaitOps(done, 160);
      String at = awaitEndpoint(sub);
      int current = indexOf(c, at);
      c.transferLeadership(current);
      awaitOps(done, 200);
      int leaderNow = c.leader();
      c.kill(leaderNow);
      awaitOps(done, 250);
      c.restart(leaderNow);
      writer.join(60_000);
      assertTrue(writerErrors.isEmpty(), "writer failures: " + writerErrors);

      // Quiescence: the committed head, as seen by a linearizable read.
      client.kv().get(NS, "k/0");
      long head = client.lastRevision();
      awaitRevision(sub, head);
      assertEquals(null, terminal.get());

      // The committed sequence, independently: a fresh subscription from revision 1.
      List<Seen> committed = new ArrayList<>();
      try (EventStream fresh = client.stream(SubscribeOptions.kvPrefix(NS, "k/").fromRevision(1)
          .progressInterval(Duration.ofMillis(100)))) {
        while (true) {
          EventBatch b = fresh.poll(Duration.ofMillis(300));
          if (b != null) {
            b.getEventsList().forEach(e -> committed.add(Seen.of(e)));
          } else if (fresh.subscription().lastRevision() >= head) {
            break;
          }
        }
      }
      List<Seen> mine = seen.stream().filter(s -> s.revision() <= head).toList();
      List<Seen> expected = committed.stream().filter(s -> s.revision() > startedAfter).toList();
      assertEquals(expected.size(), mine.size(), "event count");
      assertEquals(expected, mine);

      // Ordered, no duplicate revisions.
      for (int i = 1; i < batchRevisions.size(); i++) {
        assertTrue(batchRevisions.get(i) > batchRevisions.get(i - 1), "revisions increase");
      }
      // Every acknowledged write is there.
      Set<String> puts = new HashSet<>();
      long deletes = 0;
      for (Seen s : mine) {
        assertTrue(s.key().startsWith("k/"));
        if (s.kind().equals("PUT")) {
          puts.add(s.key() + "=" + s.value());
        } else {
          deletes++;
        }
      }
      assertTrue(puts.containsAll(ackedPuts), "acknowledged puts missing");
      assertTrue(deletes >= ackedDeletes.get(), "acknowledged deletes missing");
      assertTrue(sub.reconnects() >= 2, "subscriber reconnected: " + sub.reconnects());
      sub.close();
      System.out.printf("acceptance: %d events, %d reconnects, head %d%n", mine.size(),
          sub.reconnects(), head);
    }
  }

  private static void awaitOps(AtomicInteger done, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (done.get() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("writer stuck at " + done.get());
      }
      Thread.sleep(5);
    }
  }

  private static String awaitEndpoint(Subscription s) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      String e = s.endpoint();
      if (e != null) {
        return e;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("subscription did not reattach");
  }

  private static void awaitRevision(Subscription s, long rev) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (s.lastRevision() < rev) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("subscription at " + s.lastRevision() + ", head " + rev);
      }
      Thread.sleep(10);
    }
  }

  private static int indexOf(MiniGcsCluster c, String endpoint) {
    for (int i = 0; i < c.size(); i++) {
      if (c.endpoint(i).equals(endpoint)) {
        return i;
      }
    }
    throw new AssertionError("unknown endpoint " + endpoint);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
