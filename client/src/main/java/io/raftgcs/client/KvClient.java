package io.raftgcs.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.InternalKVDelRequest;
import io.raftgcs.proto.InternalKVExistsRequest;
import io.raftgcs.proto.InternalKVGcsServiceGrpc;
import io.raftgcs.proto.InternalKVGcsServiceGrpc.InternalKVGcsServiceFutureStub;
import io.raftgcs.proto.InternalKVGetRequest;
import io.raftgcs.proto.InternalKVKeysRequest;
import io.raftgcs.proto.InternalKVMultiGetRequest;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.MapFieldEntry;
import io.raftgcs.proto.ReadOptions;
import io.grpc.Channel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Ray's internal KV ({@code InternalKVGcsService}). Immutable view: {@link #stale()} and {@link
 * #preferring(String)} return views that differ only in how reads are served. Writes always go to
 * the leader. Namespaces may be empty; String overloads use UTF-8.
 */
public final class KvClient {
  private final GcsClient client;
  private final ReadConsistency consistency;
  private final String preferredEndpoint;

  KvClient(GcsClient client, ReadConsistency consistency, String preferredEndpoint) {
    this.client = client;
    this.consistency = consistency;
    this.preferredEndpoint = preferredEndpoint;
  }

  /** This view with reads served by any replica from its applied state. */
  public KvClient stale() {
    return withConsistency(ReadConsistency.STALE);
  }

  public KvClient linearizable() {
    return withConsistency(ReadConsistency.LINEARIZABLE);
  }

  public KvClient withConsistency(ReadConsistency c) {
    return new KvClient(client, Objects.requireNonNull(c), preferredEndpoint);
  }

  /** Stale reads start at this endpoint (and move on only if it fails). */
  public KvClient preferring(String endpoint) {
    return new KvClient(client, consistency, endpoint);
  }

  public ReadConsistency consistency() {
    return consistency;
  }

  // ---- writes

  /** Stores the value; with {@code overwrite=false} an existing key is left alone. */
  public CompletableFuture<Boolean> putAsync(String ns, byte[] key, byte[] value,
      boolean overwrite) {
    InternalKVPutRequest req = InternalKVPutRequest.newBuilder()
        .setNamespace(namespace(ns)).setKey(bytes(key)).setValue(bytes(value)).setOverwrite(overwrite)
        .setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("InternalKVPut"), ch -> stub(ch).internalKVPut(req))
        .thenApply(r -> r.getAdded());
  }

  /** Returns true when the key did not exist before. */
  public boolean put(String ns, byte[] key, byte[] value, boolean overwrite) {
    return Blocking.await(putAsync(ns, key, value, overwrite));
  }

  public boolean put(String ns, String key, String value, boolean overwrite) {
    return put(ns, utf8(key), utf8(value), overwrite);
  }

  public CompletableFuture<Long> delAsync(String ns, byte[] key) {
    return del(ns, key, false);
  }

  /** Returns the number of keys deleted (0 or 1). */
  public long del(String ns, byte[] key) {
    return Blocking.await(delAsync(ns, key));
  }

  public long del(String ns, String key) {
    return del(ns, utf8(key));
  }

  public CompletableFuture<Long> delByPrefixAsync(String ns, byte[] prefix) {
    return del(ns, prefix, true);
  }

  public long delByPrefix(String ns, byte[] prefix) {
    return Blocking.await(delByPrefixAsync(ns, prefix));
  }

  public long delByPrefix(String ns, String prefix) {
    return delByPrefix(ns, utf8(prefix));
  }

  private CompletableFuture<Long> del(String ns, byte[] key, boolean byPrefix) {
    InternalKVDelRequest req = InternalKVDelRequest.newBuilder()
        .setNamespace(namespace(ns)).setKey(bytes(key)).setDelByPrefix(byPrefix)
        .setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("InternalKVDel"), ch -> stub(ch).internalKVDel(req))
        .thenApply(r -> r.getDeletedNum());
  }

  // ---- reads

  public CompletableFuture<Optional<byte[]>> getAsync(String ns, byte[] key) {
    InternalKVGetRequest req = InternalKVGetRequest.newBuilder()
        .setNamespace(namespace(ns)).setKey(bytes(key)).setRead(readOptions()).build();
    return client.executor()
        .execute(readSpec("InternalKVGet"), ch -> stub(ch).internalKVGet(req))
        .thenApply(r -> r.getFound() ? Optional.of(r.getValue().toByteArray()) : Optional.empty());
  }

  public Optional<byte[]> get(String ns, byte[] key) {
    return Blocking.await(getAsync(ns, key));
  }

  public Optional<String> get(String ns, String key) {
    return get(ns, utf8(key)).map(v -> new String(v, UTF_8));
  }

  /** The entries of the keys that exist, in request order. */
  public CompletableFuture<List<KeyValue>> multiGetAsync(String ns, List<byte[]> keys) {
    InternalKVMultiGetRequest.Builder b = InternalKVMultiGetRequest.newBuilder()
        .setNamespace(namespace(ns)).setRead(readOptions());
    keys.forEach(k -> b.addKeys(bytes(k)));
    InternalKVMultiGetRequest req = b.build();
    return client.executor()
        .execute(readSpec("InternalKVMultiGet"), ch -> stub(ch).internalKVMultiGet(req))
        .thenApply(r -> {
          List<KeyValue> out = new ArrayList<>(r.getResultsCount());
          for (MapFieldEntry e : r.getResultsList()) {
            out.add(new KeyValue(e.getKey().toByteArray(), e.getValue().toByteArray()));
          }
          return out;
        });
  }

  public List<KeyValue> multiGet(String ns, List<byte[]> keys) {
    return Blocking.await(multiGetAsync(ns, keys));
  }

  /** UTF-8 form: existing keys to values, in request order. */
  public Map<String, String> multiGetStrings(String ns, List<String> keys) {
    Map<String, String> out = new LinkedHashMap<>();
    for (KeyValue kv : multiGet(ns, keys.stream().map(KvClient::utf8).toList())) {
      out.put(kv.keyUtf8(), kv.valueUtf8());
    }
    return out;
  }

  public CompletableFuture<Boolean> existsAsync(String ns, byte[] key) {
    InternalKVExistsRequest req = InternalKVExistsRequest.newBuilder()
        .setNamespace(namespace(ns)).setKey(bytes(key)).setRead(readOptions()).build();
    return client.executor()
        .execute(readSpec("InternalKVExists"), ch -> stub(ch).internalKVExists(req))
        .thenApply(r -> r.getExists());
  }

  public boolean exists(String ns, byte[] key) {
    return Blocking.await(existsAsync(ns, key));
  }

  public boolean exists(String ns, String key) {
    return exists(ns, utf8(key));
  }

  /** Keys starting with the prefix (empty: all keys of the namespace), sorted by key bytes. */
  public CompletableFuture<List<byte[]>> keysAsync(String ns, byte[] prefix) {
    InternalKVKeysRequest req = InternalKVKeysRequest.newBuilder()
        .setNamespace(namespace(ns)).setPrefix(bytes(prefix)).setRead(readOptions()).build();
    return client.executor()
        .execute(readSpec("InternalKVKeys"), ch -> stub(ch).internalKVKeys(req))
        .thenApply(r -> r.getResultsList().stream().map(ByteString::toByteArray).toList());
  }

  public List<byte[]> keys(String ns, byte[] prefix) {
    return Blocking.await(keysAsync(ns, prefix));
  }

  public List<String> keys(String ns, String prefix) {
    return keys(ns, utf8(prefix)).stream().map(k -> new String(k, UTF_8)).toList();
  }

  // ---- list-then-watch

  /**
   * Lists the keys under {@code prefix} at some revision R, hands {@link KvWatchListener#onSnapshot}
   * the entries as of one revision S (>= R), then every change after S, as one {@link Subscription}
   * that rides over failovers. If the stream ever falls out of the cluster's history
   * (OUT_OF_RANGE), it re-lists and calls {@code onSnapshot} again: replace your state then.
   */
  public Subscription listAndWatch(String ns, byte[] prefix, KvWatchListener listener) {
    return listAndWatch(ns, prefix, SubscribeOptions.DEFAULT_PROGRESS_INTERVAL, listener);
  }

  public Subscription listAndWatch(String ns, String prefix, KvWatchListener listener) {
    return listAndWatch(ns, utf8(prefix), listener);
  }

  /** As above, with the bookmark interval of the stream (bounds how long the first sync waits). */
  public Subscription listAndWatch(String ns, byte[] prefix, java.time.Duration progressInterval,
      KvWatchListener listener) {
    KvListWatch w = new KvListWatch(client, linearizable(), namespace(ns), prefix.clone(),
        progressInterval, listener);
    w.start();
    return w;
  }

  /** Keys under the prefix and the revision they reflect. */
  CompletableFuture<io.raftgcs.proto.InternalKVKeysReply> keysReplyAsync(String ns, byte[] prefix) {
    InternalKVKeysRequest req = InternalKVKeysRequest.newBuilder()
        .setNamespace(namespace(ns)).setPrefix(bytes(prefix)).setRead(readOptions()).build();
    return client.executor().execute(readSpec("InternalKVKeys"), ch -> stub(ch).internalKVKeys(req));
  }

  /** Values of the keys that exist and the revision they reflect. */
  CompletableFuture<io.raftgcs.proto.InternalKVMultiGetReply> multiGetReplyAsync(String ns,
      List<com.google.protobuf.ByteString> keys) {
    InternalKVMultiGetRequest req = InternalKVMultiGetRequest.newBuilder()
        .setNamespace(namespace(ns)).addAllKeys(keys).setRead(readOptions()).build();
    return client.executor()
        .execute(readSpec("InternalKVMultiGet"), ch -> stub(ch).internalKVMultiGet(req));
  }

  // ---- helpers

  private CallSpec readSpec(String method) {
    return CallSpec.read(method, consistency, preferredEndpoint);
  }

  private ReadOptions readOptions() {
    return ReadOptions.newBuilder().setStale(consistency == ReadConsistency.STALE).build();
  }

  private static InternalKVGcsServiceFutureStub stub(Channel ch) {
    return InternalKVGcsServiceGrpc.newFutureStub(ch);
  }

  private static ByteString bytes(byte[] b) {
    return ByteString.copyFrom(Objects.requireNonNull(b));
  }

  private static String namespace(String ns) {
    return ns == null ? "" : ns;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }
}
