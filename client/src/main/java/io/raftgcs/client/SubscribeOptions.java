package io.raftgcs.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.SubscribeRequest;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link Subscription} watches and from where. Immutable; the {@code with*} methods return
 * modified copies.
 *
 * <pre>{@code
 * SubscribeOptions.kvPrefix("ns", "jobs/").fromRevision(list.revision() + 1)
 * SubscribeOptions.nodes()                     // every node change
 * SubscribeOptions.node(nodeId)                // one node's row
 * SubscribeOptions.of(Channel.NODE_ASSIGNMENT).key(nodeId)
 * }</pre>
 *
 * <p>{@code startRevision} 0 means "from now" (the replica's applied revision when the stream
 * starts); otherwise every matching revision {@code >= startRevision} is delivered, in order.
 */
public final class SubscribeOptions {
  /** The server's default bookmark interval, used when none is given. */
  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(1);
  static final Duration MIN_PROGRESS_INTERVAL = Duration.ofMillis(50);
  /**
   * Bookmarks are also the stream's heartbeat: the server must send data more often than the
   * client's keepalive pings (10 s), or its default keepalive policy ends the connection with
   * GOAWAY(too_many_pings).
   */
  static final Duration MAX_PROGRESS_INTERVAL = Duration.ofSeconds(5);

  private final Channel channel;
  private final String namespace;
  private final ByteString key;
  private final ByteString keyPrefix;
  private final long startRevision;
  private final Duration progressInterval;
  private final String preferredEndpoint;

  private SubscribeOptions(Channel channel, String namespace, ByteString key, ByteString keyPrefix,
      long startRevision, Duration progressInterval, String preferredEndpoint) {
    this.channel = channel;
    this.namespace = namespace;
    this.key = key;
    this.keyPrefix = keyPrefix;
    this.startRevision = startRevision;
    this.progressInterval = progressInterval;
    this.preferredEndpoint = preferredEndpoint;
  }

  /** All events of one channel (narrow with {@link #key} or {@link #keyPrefix}). */
  public static SubscribeOptions of(Channel channel) {
    Objects.requireNonNull(channel, "channel");
    if (channel == Channel.CHANNEL_UNSPECIFIED || channel == Channel.UNRECOGNIZED) {
      throw new IllegalArgumentException("channel must be set");
    }
    return new SubscribeOptions(channel, "", ByteString.EMPTY, ByteString.EMPTY, 0,
        DEFAULT_PROGRESS_INTERVAL, null);
  }

  /** KV keys of one namespace starting with {@code prefix} (empty: the whole namespace). */
  public static SubscribeOptions kvPrefix(String namespace, byte[] prefix) {
    return of(Channel.KV).namespace(namespace).keyPrefix(prefix);
  }

  public static SubscribeOptions kvPrefix(String namespace, String prefix) {
    return kvPrefix(namespace, prefix.getBytes(UTF_8));
  }

  /** One KV key. */
  public static SubscribeOptions kvKey(String namespace, byte[] key) {
    return of(Channel.KV).namespace(namespace).key(key);
  }

  /** Every change of the node table. */
  public static SubscribeOptions nodes() {
    return of(Channel.NODE);
  }

  /** Changes of one node's row. */
  public static SubscribeOptions node(byte[] nodeId) {
    return of(Channel.NODE).key(nodeId);
  }

  /** KV namespace (KV channel only). */
  public SubscribeOptions namespace(String ns) {
    return new SubscribeOptions(channel, ns == null ? "" : ns, key, keyPrefix, startRevision,
        progressInterval, preferredEndpoint);
  }

  /** Match only this key (takes precedence over a prefix). */
  public SubscribeOptions key(byte[] k) {
    return new SubscribeOptions(channel, namespace, ByteString.copyFrom(k), keyPrefix,
        startRevision, progressInterval, preferredEndpoint);
  }

  /** Match keys with this prefix (empty: all). */
  public SubscribeOptions keyPrefix(byte[] prefix) {
    return new SubscribeOptions(channel, namespace, key, ByteString.copyFrom(prefix),
        startRevision, progressInterval, preferredEndpoint);
  }

  /** Deliver every matching revision {@code >= revision}; 0: from now. */
  public SubscribeOptions fromRevision(long revision) {
    if (revision < 0) {
      throw new IllegalArgumentException("start revision must not be negative: " + revision);
    }
    return new SubscribeOptions(channel, namespace, key, keyPrefix, revision, progressInterval,
        preferredEndpoint);
  }

  /**
   * Bookmark interval while idle (default 1 s, clamped to 50 ms .. 5 s). Also paces stall
   * detection: a stream silent for 2 intervals + 2 s is presumed dead and replaced.
   */
  public SubscribeOptions progressInterval(Duration d) {
    Objects.requireNonNull(d);
    Duration v = d.compareTo(MIN_PROGRESS_INTERVAL) < 0 ? MIN_PROGRESS_INTERVAL
        : d.compareTo(MAX_PROGRESS_INTERVAL) > 0 ? MAX_PROGRESS_INTERVAL : d;
    return new SubscribeOptions(channel, namespace, key, keyPrefix, startRevision, v,
        preferredEndpoint);
  }

  /** Attach to this replica first (any replica serves subscriptions); null: spread round-robin. */
  public SubscribeOptions preferring(String endpoint) {
    return new SubscribeOptions(channel, namespace, key, keyPrefix, startRevision,
        progressInterval, endpoint);
  }

  public Channel channel() {
    return channel;
  }

  public String namespace() {
    return namespace;
  }

  public byte[] key() {
    return key.toByteArray();
  }

  public byte[] keyPrefix() {
    return keyPrefix.toByteArray();
  }

  public long startRevision() {
    return startRevision;
  }

  public Duration progressInterval() {
    return progressInterval;
  }

  public String preferredEndpoint() {
    return preferredEndpoint;
  }

  SubscribeRequest toRequest(long start) {
    return SubscribeRequest.newBuilder().setChannel(channel).setNamespace(namespace).setKey(key)
        .setKeyPrefix(keyPrefix).setStartRevision(start)
        .setProgressIntervalMs(progressInterval.toMillis()).build();
  }

  @Override
  public String toString() {
    return channel + (namespace.isEmpty() ? "" : " ns=" + namespace)
        + (!key.isEmpty() ? " key=" + key.toStringUtf8()
            : !keyPrefix.isEmpty() ? " prefix=" + keyPrefix.toStringUtf8() : "")
        + (startRevision > 0 ? " from=" + startRevision : "");
  }
}
