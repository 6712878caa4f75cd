package io.raftgcs.client;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.EventKind;
import io.raftgcs.proto.InternalKVMultiGetReply;
import io.raftgcs.proto.MapFieldEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * List-then-watch over the KV channel. Keys and values are two reads, so they may reflect different
 * revisions R1 (keys) and R2 >= R1 (values). Instead of retrying until they agree (which never
 * happens on a busy cluster), the watch starts at R1 + 1 and the snapshot is built as of R2: a key
 * changed in (R1, R2] takes the state of its last change in that range (from the stream); any other
 * key is unchanged since R1, so the multi-get's answer for it is its state at R2. Events after R2
 * follow the snapshot.
 *
 * <p>Each listing is an epoch; callbacks of a superseded inner subscription are dropped. All state
 * is guarded by {@code lock}; the inner subscription is created and closed outside it.
 */
final class KvListWatch implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(KvListWatch.class);
  private static final int MULTI_GET_BATCH = 1000;

  private final GcsClient client;
  private final KvClient kv;
  private final String ns;
  private final byte[] prefix;
  private final Duration progressInterval;
  private final KvWatchListener listener;
  private final CompletableFuture<Long> started = new CompletableFuture<>();
  private final Backoff backoff;
  private final Object lock = new Object();

  // Guarded by lock.
  private int epoch;
  private Subscription inner;
  private long listRevision;
  private long syncRevision = -1;
  private List<KeyValue> base;
  private List<EventBatch> buffer = new ArrayList<>();
  private long streamLast = -1;
  private boolean watching;
  private long last = -1;
  private long relists;

  private volatile boolean closed;
  private volatile boolean failed;

  KvListWatch(GcsClient client, KvClient kv, String ns, byte[] prefix, Duration progressInterval,
      KvWatchListener listener) {
    this.client = client;
    this.kv = kv;
    this.ns = ns;
    this.prefix = prefix;
    this.progressInterval = progressInterval;
    this.listener = listener;
    this.backoff = new Backoff(Duration.ofMillis(20), Duration.ofMillis(500));
  }

  void start() {
    relist();
  }

  private void relist() {
    int ep;
    Subscription old;
    synchronized (lock) {
      if (closed || failed) {
        return;
      }
      ep = ++epoch;
      old = inner;
      inner = null;
      watching = false;
      buffer = new ArrayList<>();
      base = null;
      syncRevision = -1;
      streamLast = -1;
    }
    if (old != null) {
      old.close();
    }
    kv.keysReplyAsync(ns, prefix).whenComplete((keys, err) -> {
      if (err != null) {
        onListFailed(ep, err);
        return;
      }
      long r1 = keys.getHeader().getRevision();
      Subscription sub = client.subscribe(SubscribeOptions.kvPrefix(ns, prefix)
          .fromRevision(r1 + 1).progressInterval(progressInterval), new Inner(ep));
      boolean current;
      synchronized (lock) {
        current = ep == epoch && !closed && !failed;
        if (current) {
          inner = sub;
          listRevision = r1;
          streamLast = Math.max(streamLast, r1);
        }
      }
      if (!current) {
        sub.close();
        return;
      }
      multiGet(keys.getResultsList()).whenComplete((values, err2) -> {
        if (err2 != null) {
          onListFailed(ep, err2);
          return;
        }
        synchronized (lock) {
          if (ep != epoch || closed || failed) {
            return;
          }
          if (values.revision < listRevision) {
            LOG.warn("list-watch {}: values at {} older than keys at {}; re-listing", ns,
                values.revision, listRevision);
            scheduleRelist(ep);
            return;
          }
          base = values.entries;
          syncRevision = values.revision;
          trySync();
        }
      });
    });
  }

  private record Values(long revision, List<KeyValue> entries) {}

  /** Values of the keys, in batches; revision: the highest any batch reflects. */
  private CompletableFuture<Values> multiGet(List<ByteString> keys) {
    List<CompletableFuture<InternalKVMultiGetReply>> parts = new ArrayList<>();
    for (int i = 0; i < keys.size(); i += MULTI_GET_BATCH) {
      parts.add(kv.multiGetReplyAsync(ns, keys.subList(i, Math.min(keys.size(),
          i + MULTI_GET_BATCH))));
    }
    if (parts.isEmpty()) {
      // Nothing to read; one empty read still tells the revision it reflects.
      parts.add(kv.multiGetReplyAsync(ns, List.of()));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
      long rev = 0;
      List<KeyValue> out = new ArrayList<>();
      for (CompletableFuture<InternalKVMultiGetReply> p : parts) {
        InternalKVMultiGetReply r = p.join();
        rev = Math.max(rev, r.getHeader().getRevision());
        for (MapFieldEntry e : r.getResultsList()) {
          out.add(new KeyValue(e.getKey().toByteArray(), e.getValue().toByteArray()));
        }
      }
      return new Values(rev, out);
    });
  }

  /** Delivers the snapshot once the stream has reached the values' revision. Holds the lock. */
  private void trySync() {
    if (watching || syncRevision < 0 || streamLast < syncRevision) {
      return;
    }
    Map<ByteString, byte[]> state = new TreeMap<>(ByteString.unsignedLexicographicalComparator());
    for (KeyValue e : base) {
      state.put(ByteString.copyFrom(e.key()), e.value());
    }
    List<EventBatch> after = new ArrayList<>();
    for (EventBatch b : buffer) {
      if (b.getRevision() > syncRevision) {
        after.add(b);
        continue;
      }
      for (Event e : b.getEventsList()) {
        if (e.getKind() == EventKind.DELETE) {
          state.remove(e.getKey());
        } else if (e.getKind() == EventKind.PUT) {
          state.put(e.getKey(), e.getValue().toByteArray());
        }
      }
    }
    List<KeyValue> entries = new ArrayList<>(state.size());
    state.forEach((k, v) -> entries.add(new KeyValue(k.toByteArray(), v)));
    watching = true;
    buffer = null;
    base = null;
    last = syncRevision;
    backoff.reset();
    KvSnapshot snap = new KvSnapshot(syncRevision, List.copyOf(entries));
    call(() -> listener.onSnapshot(snap));
    started.complete(snap.revision());
    for (EventBatch b : after) {
      last = b.getRevision();
      call(() -> listener.onEvents(b));
    }
    if (streamLast > last) {
      last = streamLast;
      long p = streamLast;
      call(() -> listener.onProgress(p));
    }
  }

  private void onListFailed(int ep, Throwable err) {
    Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause()
        : err;
    GcsException g = c instanceof GcsException ge ? ge
        : new GcsException(GcsException.Code.INTERNAL, String.valueOf(c), false, c);
    synchronized (lock) {
      if (ep != epoch || closed || failed) {
        return;
      }
      if (g.code() == GcsException.Code.INVALID_ARGUMENT || g.code() == GcsException.Code.CANCELLED
          && client.isClosed()) {
        fail(g);
        return;
      }
      LOG.debug("list-watch {}: listing failed ({}), retrying", ns, g.getMessage());
      scheduleRelist(ep);
    }
  }

  /** Holds the lock. */
  private void scheduleRelist(int ep) {
    relists++;
    try {
      client.scheduler().schedule(() -> {
        synchronized (lock) {
          if (ep != epoch) {
            return;
          }
        }
        relist();
      }, backoff.nextDelayNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      closed = true;
    }
  }

  /** Holds the lock. */
  private void fail(GcsException e) {
    failed = true;
    Subscription s = inner;
    inner = null;
    started.completeExceptionally(e);
    call(() -> listener.onError(e));
    if (s != null) {
      try {
        client.scheduler().execute(s::close); // not under our lock: see the class comment
      } catch (RejectedExecutionException closing) {
        // the client is closing and closes its subscriptions itself
      }
    }
  }

  private void call(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("list-watch listener threw", e);
    }
  }

  /** Listener of one epoch's inner subscription. */
  private final class Inner implements Listener {
    private final int ep;

    Inner(int ep) {
      this.ep = ep;
    }

    @Override
    public void onEvents(EventBatch batch) {
      synchronized (lock) {
        if (ep != epoch || closed || failed) {
          return;
        }
        streamLast = Math.max(streamLast, batch.getRevision());
        if (watching) {
          if (batch.getRevision() > last) {
            last = batch.getRevision();
            call(() -> listener.onEvents(batch));
          }
        } else {
          buffer.add(batch);
          trySync();
        }
      }
    }

    @Override
    public void onProgress(long revision) {
      synchronized (lock) {
        if (ep != epoch || closed || failed) {
          return;
        }
        streamLast = Math.max(streamLast, revision);
        if (watching) {
          if (revision > last) {
            last = revision;
            call(() -> listener.onProgress(revision));
          }
        } else {
          trySync();
        }
      }
    }

    @Override
    public void onError(GcsException error) {
      synchronized (lock) {
        if (ep != epoch || closed || failed) {
          return;
        }
        if (error.code() == GcsException.Code.OUT_OF_RANGE) {
          LOG.info("list-watch {}: stream fell out of history ({}); re-listing", ns,
              error.getMessage());
          scheduleRelist(ep);
          return;
        }
        fail(error);
      }
    }
  }

  // ---- Subscription

  @Override
  public long lastRevision() {
    synchronized (lock) {
      return last;
    }
  }

  @Override
  public CompletableFuture<Long> started() {
    return started;
  }

  @Override
  public String endpoint() {
    Subscription s;
    synchronized (lock) {
      s = inner;
    }
    return s == null ? null : s.endpoint();
  }

  @Override
  public long reconnects() {
    Subscription s;
    long r;
    synchronized (lock) {
      s = inner;
      r = relists;
    }
    return r + (s == null ? 0 : s.reconnects());
  }

  @Override
  public boolean isActive() {
    return !closed && !failed && !client.isClosed();
  }

  @Override
  public void close() {
    Subscription s;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      epoch++;
      s = inner;
      inner = null;
    }
    if (s != null) {
      s.close();
    }
    started.completeExceptionally(new GcsException(GcsException.Code.CANCELLED,
        "subscription closed"));
  }
}
