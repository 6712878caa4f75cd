package io.raftgcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.EventKind;
import io.raftgcs.server.testing.MiniGcsCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * List-then-watch: the snapshot plus the changes after it always add up to the store's state, even
 * while writers keep changing the prefix during the listing; a compacted start is terminal.
 */
@Timeout(60)
class KvListWatchTest {
  @TempDir Path dir;

  @Test
  void snapshotThenChangesAddUpToTheStoreWhileWritersRun() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir,
            cfg -> cfg.withEventHistory(50, 1 << 20));
        GcsClient client = GcsClient.builder().endpoints(c.endpoints()).build()) {
      for (int i = 0; i < 20; i++) {
        client.kv().put("lw", "p/" + i, "init" + i, true);
        client.kv().put("lw", "q/" + i, "other", true);
      }
      // Writers keep changing the prefix while (and after) the listing happens.
      List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
      Thread writer = new Thread(() -> {
        for (int i = 0; i < 80; i++) {
          try {
            if (i % 4 == 3) {
              client.kv().del("lw", "p/" + (i % 25));
            } else {
              client.kv().put("lw", "p/" + (i % 25), "w" + i, true);
            }
            client.kv().put("lw", "q/x", "noise" + i, true);
          } catch (GcsException e) {
            errors.add(e);
          }
        }
      });
      writer.start();
      Thread.sleep(20);

      Map<String, String> state = Collections.synchronizedMap(new TreeMap<>());
      List<Long> snapshots = Collections.synchronizedList(new ArrayList<>());
      List<Long> revisions = Collections.synchronizedList(new ArrayList<>());
      AtomicReference<GcsException> terminal = new AtomicReference<>();
      Subscription w = client.kv().listAndWatch("lw", "p/".getBytes(), Duration.ofMillis(100),
          new KvWatchListener() {
            @Override
            public void onSnapshot(KvSnapshot snapshot) {
              snapshots.add(snapshot.revision());
              state.clear();
              state.putAll(snapshot.utf8());
            }

            @Override
            public void onEvents(EventBatch batch) {
              revisions.add(batch.getRevision());
              for (Event e : batch.getEventsList()) {
                assertTrue(e.getKey().toStringUtf8().startsWith("p/"));
                if (e.getKind() == EventKind.PUT) {
                  state.put(e.getKey().toStringUtf8(), e.getValue().toStringUtf8());
                } else {
                  state.remove(e.getKey().toStringUtf8());
                }
              }
            }

            @Override
            public void onError(GcsException error) {
              terminal.set(error);
            }
          });
      long snapRev = w.started().get(15, TimeUnit.SECONDS);
      writer.join(30_000);
      assertTrue(errors.isEmpty(), errors.toString());

      // Quiescent: the store's state, read independently.
      List<String> keys = client.kv().keys("lw", "p/");
      Map<String, String> expected = new TreeMap<>(client.kv().multiGetStrings("lw", keys));
      long head = client.lastRevision();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (w.lastRevision() < head && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(w.lastRevision() >= head, "watch at " + w.lastRevision() + ", head " + head);
      assertNull(terminal.get());
      assertEquals(List.of(snapRev), snapshots, "one snapshot");
      assertEquals(expected, new TreeMap<>(state));
      for (int i = 0; i < revisions.size(); i++) {
        assertTrue(revisions.get(i) > (i == 0 ? snapRev : revisions.get(i - 1)));
      }
      w.close();

      // A plain subscription from a compacted revision fails terminally with the oldest one.
      AtomicReference<GcsException> compacted = new AtomicReference<>();
      Subscription old = client.subscribe(SubscribeOptions.kvPrefix("lw", "p/").fromRevision(1),
          new Subscription.Listener() {
            @Override
            public void onEvents(EventBatch batch) {}

            @Override
            public void onError(GcsException error) {
              compacted.set(error);
            }
          });
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (compacted.get() == null && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(GcsException.Code.OUT_OF_RANGE, compacted.get().code());
      assertTrue(compacted.get().oldestRevision() > 1, compacted.get().getMessage());
      assertTrue(!old.isActive());
    }
  }
}
