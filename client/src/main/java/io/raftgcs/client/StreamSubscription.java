package io.raftgcs.client;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.PubsubGcsServiceGrpc;
import io.raftgcs.proto.SubscribeRequest;
import io.raftgcs.proto.SubscribeResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Subscription} over {@code PubsubGcsService.Subscribe}. Each connection attempt has a
 * generation number; callbacks of an attempt that was replaced are dropped, so at most one stream
 * feeds the listener at a time. Resuming from {@code last + 1} on any replica is gap-free (a lagging
 * replica waits until it has applied the revision), and batches at or below {@code last} are
 * dropped, so the listener sees each revision once.
 *
 * <p>Threads: gRPC callback threads, the client's scheduler (reconnects) and the stall watchdog; all
 * state changes happen under {@code lock}, listener calls too (they are serialized).
 */
final class StreamSubscription implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSubscription.class);
  static final Metadata.Key<String> OLDEST =
      Metadata.Key.of("gcs-oldest-revision", Metadata.ASCII_STRING_MARSHALLER);
  private static final long HEALTHY_ATTEMPT_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final SubscriptionHost host;
  private final SubscribeOptions options;
  private final Listener listener;
  private final long stallNanos;
  private final CompletableFuture<Long> started = new CompletableFuture<>();
  private final Object lock = new Object();
  private final Backoff backoff;

  // Guarded by lock.
  private long last;
  private int generation;
  private ClientCallStreamObserver<SubscribeRequest> call;
  private String attemptEndpoint;
  private long attemptStartNanos;
  private long reconnects;
  private boolean reconnectScheduled;

  private volatile String endpoint;
  private volatile long lastMessageNanos;
  private volatile boolean delivering;
  private volatile boolean closed;
  private volatile boolean failed;

  /** What a subscription needs from its client. */
  interface SubscriptionHost {
    io.grpc.Channel channel(String endpoint);

    List<String> endpoints();

    String nextEndpoint();

    ScheduledExecutorService scheduler();

    Backoff newBackoff();

    void register(StreamSubscription s);

    void unregister(StreamSubscription s);
  }

  StreamSubscription(SubscriptionHost host, SubscribeOptions options, Listener listener) {
    this.host = host;
    this.options = options;
    this.listener = listener;
    this.backoff = host.newBackoff();
    this.last = options.startRevision() > 0 ? options.startRevision() - 1 : -1;
    Duration interval = options.progressInterval();
    this.stallNanos = interval.multipliedBy(2).plusSeconds(2).toNanos();
  }

  void start() {
    host.register(this);
    String first = options.preferredEndpoint() != null ? options.preferredEndpoint()
        : host.nextEndpoint();
    synchronized (lock) {
      connect(first);
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
    return endpoint;
  }

  @Override
  public long reconnects() {
    synchronized (lock) {
      return reconnects;
    }
  }

  @Override
  public boolean isActive() {
    return !closed && !failed;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ClientCallStreamObserver<SubscribeRequest> c;
    synchronized (lock) {
      generation++;
      c = call;
      call = null;
    }
    endpoint = null;
    host.unregister(this);
    if (c != null) {
      cancelQuietly(c, "subscription closed");
    }
    started.completeExceptionally(new GcsException(GcsException.Code.CANCELLED,
        "subscription closed"));
  }

  @Override
  public String toString() {
    return "Subscription[" + options + " last=" + lastRevision() + " at " + endpoint + "]";
  }

  // ---- connection attempts

  /** Starts an attempt at {@code target}. Caller holds the lock. */
  private void connect(String target) {
    if (closed || failed) {
      return;
    }
    int gen = ++generation;
    long start = last >= 0 ? last + 1 : 0;
    SubscribeRequest req = options.toRequest(start);
    attemptEndpoint = target;
    attemptStartNanos = System.nanoTime();
    lastMessageNanos = attemptStartNanos;
    endpoint = null;
    io.grpc.Channel ch;
    try {
      ch = host.channel(target);
    } catch (RuntimeException e) {
      // The client is closed (or the address is unusable): nothing to resume on.
      LOG.debug("subscription {}: cannot open channel to {}: {}", options, target, e.toString());
      scheduleReconnect(target);
      return;
    }
    Observer obs = new Observer(gen, target);
    try {
      PubsubGcsServiceGrpc.newStub(ch).subscribe(req, obs);
    } catch (RuntimeException e) {
      LOG.debug("subscription {}: call to {} failed to start: {}", options, target, e.toString());
      scheduleReconnect(target);
    }
  }

  /** Schedules the next attempt, preferring a replica other than {@code failed}. Holds the lock. */
  private void scheduleReconnect(String failedEndpoint) {
    if (closed || failed || reconnectScheduled) {
      return;
    }
    generation++; // late callbacks of the failed attempt are ignored from here on
    call = null;
    endpoint = null;
    if (System.nanoTime() - attemptStartNanos > HEALTHY_ATTEMPT_NANOS) {
      backoff.reset();
    }
    long delay = backoff.nextDelayNanos();
    String next = nextAfter(failedEndpoint);
    reconnectScheduled = true;
    reconnects++;
    try {
      host.scheduler().schedule(() -> {
        synchronized (lock) {
          reconnectScheduled = false;
          connect(next);
        }
      }, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      reconnectScheduled = false;
      closed = true; // the client is shutting down
    }
  }

  private String nextAfter(String failedEndpoint) {
    List<String> known = host.endpoints();
    int i = known.indexOf(failedEndpoint);
    if (i < 0) {
      return host.nextEndpoint();
    }
    return known.get((i + 1) % known.size());
  }

  /** Called by the client's watchdog: a stream silent for too long is presumed dead. */
  void checkStalled(long now) {
    if (closed || failed || delivering) {
      return;
    }
    ClientCallStreamObserver<SubscribeRequest> stale = null;
    synchronized (lock) {
      if (reconnectScheduled || attemptEndpoint == null) {
        return;
      }
      if (now - lastMessageNanos > stallNanos) {
        LOG.info("subscription {}: no message from {} for {} ms, reconnecting elsewhere", options,
            attemptEndpoint, TimeUnit.NANOSECONDS.toMillis(now - lastMessageNanos));
        stale = call;
        scheduleReconnect(attemptEndpoint);
      }
    }
    if (stale != null) {
      cancelQuietly(stale, "stalled");
    }
  }

  private static void cancelQuietly(ClientCallStreamObserver<SubscribeRequest> c, String why) {
    try {
      c.cancel(why, null);
    } catch (RuntimeException ignored) {
      // already closed
    }
  }

  // ---- delivery

  private void onMessage(int gen, String from, SubscribeResponse r) {
    synchronized (lock) {
      if (gen != generation || closed || failed) {
        return;
      }
      lastMessageNanos = System.nanoTime();
      endpoint = from;
      if (r.hasEvents()) {
        EventBatch b = r.getEvents();
        if (b.getRevision() <= last) {
          return; // already delivered by an earlier stream
        }
        last = b.getRevision();
        call(() -> listener.onEvents(b));
      } else if (r.hasProgress()) {
        long p = r.getProgress().getRevision();
        if (!started.isDone()) {
          started.complete(Math.max(p, last));
        }
        if (p > last) {
          last = p;
          call(() -> listener.onProgress(p));
        }
      }
    }
  }

  private void onFailure(int gen, String from, Throwable t) {
    Status status = Status.fromThrowable(t);
    Metadata trailers = Status.trailersFromThrowable(t);
    synchronized (lock) {
      if (gen != generation || closed || failed) {
        return;
      }
      Status.Code code = status.getCode();
      if (code == Status.Code.OUT_OF_RANGE || code == Status.Code.INVALID_ARGUMENT) {
        failed = true;
        generation++;
        call = null;
        endpoint = null;
        long oldest = 0;
        if (trailers != null && trailers.get(OLDEST) != null) {
          try {
            oldest = Long.parseLong(trailers.get(OLDEST));
          } catch (NumberFormatException ignored) {
            // leave 0
          }
        }
        GcsException e = new GcsException(CallExecutor.codeOf(code),
            "Subscribe(" + options + ") at " + from + ": " + code
                + (status.getDescription() == null ? "" : ": " + status.getDescription()),
            false, null, oldest);
        host.unregister(this);
        started.completeExceptionally(e);
        call(() -> listener.onError(e));
        return;
      }
      if (code == Status.Code.RESOURCE_EXHAUSTED) {
        LOG.warn("subscription {}: cut off by {} as too slow ({}); resuming after revision {}",
            options, from, status.getDescription(), last);
      } else {
        LOG.debug("subscription {}: stream from {} ended ({}: {}), resuming after revision {}",
            options, from, code, status.getDescription(), last);
      }
      scheduleReconnect(from);
    }
  }

  private void call(Runnable r) {
    delivering = true;
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("subscription {}: listener threw", options, e);
    } finally {
      delivering = false;
      lastMessageNanos = System.nanoTime();
    }
  }

  /** One attempt's stream observer. */
  private final class Observer
      implements ClientResponseObserver<SubscribeRequest, SubscribeResponse> {
    private final int gen;
    private final String target;

    Observer(int gen, String target) {
      this.gen = gen;
      this.target = target;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
      synchronized (lock) {
        if (gen == generation) {
          call = requestStream;
        }
      }
    }

    @Override
    public void onNext(SubscribeResponse value) {
      onMessage(gen, target, value);
    }

    @Override
    public void onError(Throwable t) {
      onFailure(gen, target, t);
    }

    @Override
    public void onCompleted() {
      // The server never ends a healthy stream; treat it as a lost connection.
      onFailure(gen, target, Status.UNAVAILABLE.withDescription("stream ended").asException());
    }
  }
}
