package io.raftgcs.client;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.RequestId;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client of a raftgcs cluster. Thread-safe; share one instance per process.
 *
 * <pre>{@code
 * try (GcsClient gcs = GcsClient.builder().endpoints("127.0.0.1:7001,127.0.0.1:7002").build()) {
 *   gcs.kv().put("ns", "k", "v", true);
 * }
 * }</pre>
 *
 * <p>Writes and linearizable reads go to the leader (cached, discovered from not-leader hints);
 * failed attempts are retried on other replicas with backoff until {@link Builder#deadline}. A write
 * keeps its request id across retries, so the cluster applies it at most once.
 */
public final class GcsClient implements AutoCloseable {
  private final byte[] clientId;
  private final AtomicLong seq = new AtomicLong();
  private final Endpoints endpoints;
  private final ChannelPool channels = new ChannelPool();
  private final ScheduledThreadPoolExecutor scheduler;
  private final RevisionTracker revisions = new RevisionTracker();
  private final CallExecutor executor;
  private final Subscriptions subscriptions;
  private final KvClient kv;
  private final AdminClient admin;
  private final NodeClient nodes;
  private final ResourceClient resources;
  private final ActorClient actors;

  private GcsClient(Builder b) {
    this.clientId = new byte[16];
    new SecureRandom().nextBytes(clientId);
    this.endpoints = new Endpoints(b.endpoints);
    this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "gcs-client-retry");
      t.setDaemon(true);
      return t;
    });
    this.scheduler.setRemoveOnCancelPolicy(true);
    this.executor = new CallExecutor(channels, endpoints, scheduler, revisions,
        new CallExecutor.Timing(b.requestTimeout, b.deadline, b.initialBackoff, b.maxBackoff));
    this.subscriptions = new Subscriptions(channels, endpoints, scheduler, b.initialBackoff,
        b.maxBackoff);
    this.kv = new KvClient(this, ReadConsistency.LINEARIZABLE, null);
    this.admin = new AdminClient(this);
    this.nodes = new NodeClient(this, ReadConsistency.LINEARIZABLE);
    this.resources = new ResourceClient(this, ReadConsistency.LINEARIZABLE);
    this.actors = new ActorClient(this, ReadConsistency.LINEARIZABLE);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Ray's internal KV, linearizable reads. */
  public KvClient kv() {
    return kv;
  }

  public AdminClient admin() {
    return admin;
  }

  /** Ray's node table ({@code NodeInfoGcsService}): register, heartbeat, list, drain. */
  public NodeClient nodes() {
    return nodes;
  }

  /** Ray's resource view ({@code NodeResourceInfoGcsService}). */
  public ResourceClient resources() {
    return resources;
  }

  /** Ray's actor table ({@code ActorInfoGcsService}) and the agents' actor protocol. */
  public ActorClient actors() {
    return actors;
  }

  /** Ray's job table ({@code JobInfoGcsService}), linearizable reads. */
  public JobClient jobs() {
    return new JobClient(this, ReadConsistency.LINEARIZABLE);
  }

  /** Ray's placement groups ({@code PlacementGroupInfoGcsService}), linearizable reads. */
  public PlacementGroupClient placementGroups() {
    return new PlacementGroupClient(this, ReadConsistency.LINEARIZABLE);
  }

  /** Ray's worker table ({@code WorkerInfoGcsService}), linearizable reads. */
  public WorkerClient workers() {
    return new WorkerClient(this, ReadConsistency.LINEARIZABLE);
  }

  /** Ray's task events ({@code TaskInfoGcsService}): leader-local, see {@link TaskEventClient}. */
  public TaskEventClient taskEvents() {
    return new TaskEventClient(this);
  }

  /** Runtime-env URI pins ({@code RuntimeEnvGcsService}), linearizable reads. */
  public RuntimeEnvClient runtimeEnv() {
    return new RuntimeEnvClient(this, ReadConsistency.LINEARIZABLE);
  }

  /**
   * Opens an event stream that reconnects and resumes by itself until closed; see {@link
   * Subscription}. Served by any replica (round-robin, or {@link SubscribeOptions#preferring}).
   */
  public Subscription subscribe(SubscribeOptions options, Subscription.Listener listener) {
    java.util.Objects.requireNonNull(options, "options");
    java.util.Objects.requireNonNull(listener, "listener");
    if (channels.isClosed()) {
      throw new GcsException(GcsException.Code.CANCELLED, "client is closed");
    }
    StreamSubscription s = new StreamSubscription(subscriptions, options, listener);
    s.start();
    return s;
  }

  /** Blocking form of {@link #subscribe}: a queue of up to 10,000 batches. */
  public EventStream stream(SubscribeOptions options) {
    return stream(options, 10_000);
  }

  /** Blocking form of {@link #subscribe} with a queue of {@code capacity} batches. */
  public EventStream stream(SubscribeOptions options, int capacity) {
    return new EventStream(this, options, capacity);
  }

  /** Number of open subscriptions (for diagnostics). */
  public int subscriptionCount() {
    return subscriptions.size();
  }

  /**
   * The client's shared scheduler (one daemon thread): for short, non-blocking tasks only, e.g.
   * starting async calls on a timer, as {@link NodeAgent} does.
   */
  java.util.concurrent.ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Seed endpoints given to the builder. */
  public List<String> endpoints() {
    return endpoints.seeds();
  }

  /** The endpoint this client currently believes is the leader, or null. */
  public String cachedLeader() {
    return endpoints.cachedLeader();
  }

  /** The highest revision seen in any reply header so far (0 before the first). */
  public long lastRevision() {
    return revisions.last();
  }

  /** The 16 random bytes that prefix this client's request ids. */
  public byte[] clientId() {
    return clientId.clone();
  }

  boolean isClosed() {
    return channels.isClosed();
  }

  CallExecutor executor() {
    return executor;
  }

  Endpoints endpointSet() {
    return endpoints;
  }

  /** A fresh request id for one logical write; reused by every retry of that write. */
  RequestId nextRequestId() {
    return RequestId.newBuilder()
        .setClientId(ByteString.copyFrom(clientId))
        .setSeq(seq.incrementAndGet())
        .build();
  }

  /** Fails pending calls with CANCELLED and releases channels. */
  @Override
  public void close() {
    subscriptions.closeAll();
    channels.close();
    scheduler.shutdown(); // delayed retries still run once, see the closed pool and fail
  }

  /** Builder; {@link #endpoints} is required. */
  public static final class Builder {
    private List<String> endpoints = List.of();
    private Duration requestTimeout = Duration.ofSeconds(2);
    private Duration deadline = Duration.ofSeconds(15);
    private Duration initialBackoff = Duration.ofMillis(20);
    private Duration maxBackoff = Duration.ofMillis(500);

    private Builder() {}

    /** Comma-separated "host:port" API endpoints. */
    public Builder endpoints(String commaSeparated) {
      return endpoints(Arrays.asList(commaSeparated.split(",")));
    }

    public Builder endpoints(List<String> list) {
      List<String> clean = new ArrayList<>();
      for (String e : list) {
        String t = e.trim();
        if (!t.isEmpty() && !clean.contains(t)) {
          clean.add(t);
        }
      }
      this.endpoints = List.copyOf(clean);
      return this;
    }

    /** Timeout of one attempt (default 2 s). */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = positive(d, "requestTimeout");
      return this;
    }

    /** Total time for one call including retries (default 15 s). */
    public Builder deadline(Duration d) {
      this.deadline = positive(d, "deadline");
      return this;
    }

    /** First retry delay (default 20 ms), doubled per failed attempt up to {@link #maxBackoff}. */
    public Builder initialBackoff(Duration d) {
      this.initialBackoff = positive(d, "initialBackoff");
      return this;
    }

    /** Cap of the retry delay (default 500 ms). */
    public Builder maxBackoff(Duration d) {
      this.maxBackoff = positive(d, "maxBackoff");
      return this;
    }

    public GcsClient build() {
      if (endpoints.isEmpty()) {
        throw new IllegalArgumentException("at least one endpoint is required");
      }
      return new GcsClient(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
