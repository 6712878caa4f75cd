package io.raftgcs.statemachine;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.CommandHeader;
import io.raftgcs.proto.CommandResult;
import io.raftgcs.proto.InternalKVDelRequest;
import io.raftgcs.proto.InternalKVExistsRequest;
import io.raftgcs.proto.InternalKVGetRequest;
import io.raftgcs.proto.InternalKVKeysRequest;
import io.raftgcs.proto.InternalKVMultiGetRequest;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.KvEntry;
import io.raftgcs.proto.LogEntryPayload;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.QueryResult;
import io.raftgcs.proto.RequestId;
import io.raftgcs.statemachine.apply.CommandApplier;
import io.raftgcs.statemachine.apply.EventHistory;
import io.raftgcs.statemachine.store.Cf;
import io.raftgcs.statemachine.store.GcsStore;
import io.raftgcs.statemachine.table.KvTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * A store plus an applier, driven entry by entry without Raft: the test double of one replica.
 * Also the command/query builders the state-machine tests share. Test thread only.
 */
public final class Fixture implements AutoCloseable {
  public static final long TERM = 1;
  public static final long BIG = 1L << 40;

  public final Path dir;
  public GcsStore store;
  public CommandApplier applier;
  /** Session records the applier keeps; takes effect at the next {@link #reopen}. */
  public int maxSessions = io.raftgcs.statemachine.Limits.MAX_SESSION_RECORDS;
  private final long maxRevisions;
  private final long maxBytes;
  private long index;

  private Fixture(Path dir, long maxRevisions, long maxBytes) throws IOException {
    this.dir = dir;
    this.maxRevisions = maxRevisions;
    this.maxBytes = maxBytes;
    reopen(false);
  }

  public static Fixture open(Path dir) throws IOException {
    return new Fixture(dir, BIG, BIG);
  }

  public static Fixture open(Path dir, long maxRevisions, long maxBytes) throws IOException {
    return new Fixture(dir, maxRevisions, maxBytes);
  }

  /** Closes the store (if open) and opens it again with a brand-new applier rebuilt by {@code load}. */
  public void reopen(boolean closeFirst) throws IOException {
    if (closeFirst) {
      store.close();
    }
    store = GcsStore.open(dir);
    applier = new CommandApplier(new EventHistory(maxRevisions, maxBytes), maxSessions);
    applier.load(store);
    index = store.appliedTermIndex(null)[1];
  }

  public long index() {
    return index;
  }

  /** Applies the commands as the next log entry. */
  public CommandApplier.Applied apply(Command... cmds) {
    return applyAt(++index, cmds);
  }

  public CommandApplier.Applied applyAt(long idx, Command... cmds) {
    index = idx;
    return applier.apply(store, TERM, idx, LogEntryPayload.newBuilder().addAllCommands(Arrays.asList(cmds)).build());
  }

  /** Applies one command as its own entry and returns its result. */
  public CommandResult one(Command cmd) {
    return apply(cmd).result().getResults(0);
  }

  public StateDigest.Value digest() {
    return StateDigest.compute(store);
  }

  public QueryResult query(Query q) {
    return QueryHandler.answer(store, applier.actorIndex(), q);
  }

  // ---- reads ----

  public byte[] get(String ns, String key) {
    QueryResult r = query(Query.newBuilder()
        .setKvGet(InternalKVGetRequest.newBuilder().setNamespace(ns).setKey(bs(key))).build());
    return r.getKvGet().getFound() ? r.getKvGet().getValue().toByteArray() : null;
  }

  public String getString(String ns, String key) {
    byte[] v = get(ns, key);
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  public boolean exists(String ns, String key) {
    return query(Query.newBuilder()
        .setKvExists(InternalKVExistsRequest.newBuilder().setNamespace(ns).setKey(bs(key))).build())
        .getKvExists().getExists();
  }

  public List<String> keys(String ns, String prefix) {
    List<String> out = new ArrayList<>();
    for (ByteString k : query(Query.newBuilder()
        .setKvKeys(InternalKVKeysRequest.newBuilder().setNamespace(ns).setPrefix(bs(prefix))).build())
        .getKvKeys().getResultsList()) {
      out.add(k.toStringUtf8());
    }
    return out;
  }

  public List<String> multiGet(String ns, String... keys) {
    InternalKVMultiGetRequest.Builder b = InternalKVMultiGetRequest.newBuilder().setNamespace(ns);
    for (String k : keys) {
      b.addKeys(bs(k));
    }
    List<String> out = new ArrayList<>();
    query(Query.newBuilder().setKvMultiGet(b).build()).getKvMultiGet().getResultsList()
        .forEach(e -> out.add(e.getKey().toStringUtf8() + "=" + e.getValue().toStringUtf8()));
    return out;
  }

  /** The stored row, with its revisions. */
  public KvEntry row(String ns, String key) {
    byte[] v = store.get(Cf.KV, KvTable.rowKey(ns, bs(key)));
    return v == null ? null : KvTable.parse(v);
  }

  public int count(Cf cf) {
    int n = 0;
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = store.iterator(cf, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        n++;
      }
    }
    return n;
  }

  public static <T> T parse(byte[] bytes, com.google.protobuf.Parser<T> parser) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  // ---- commands ----

  public static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  public static RequestId rid(int client, long seq) {
    byte[] id = new byte[Limits.CLIENT_ID_BYTES];
    Arrays.fill(id, (byte) client);
    return RequestId.newBuilder().setClientId(ByteString.copyFrom(id)).setSeq(seq).build();
  }

  public static Command put(String ns, String key, String value, boolean overwrite) {
    return put(ns, key, value, overwrite, null, 0);
  }

  public static Command put(String ns, String key, String value, boolean overwrite, RequestId id, long timeMs) {
    InternalKVPutRequest.Builder p = InternalKVPutRequest.newBuilder().setNamespace(ns).setKey(bs(key))
        .setValue(bs(value)).setOverwrite(overwrite);
    if (id != null) {
      p.setRequestId(id);
    }
    return Command.newBuilder().setHeader(header(id, timeMs)).setKvPut(p).build();
  }

  public static Command del(String ns, String key) {
    return del(ns, key, false, null, 0);
  }

  public static Command delPrefix(String ns, String prefix) {
    return del(ns, prefix, true, null, 0);
  }

  public static Command del(String ns, String key, boolean byPrefix, RequestId id, long timeMs) {
    InternalKVDelRequest.Builder d = InternalKVDelRequest.newBuilder().setNamespace(ns).setKey(bs(key))
        .setDelByPrefix(byPrefix);
    if (id != null) {
      d.setRequestId(id);
    }
    return Command.newBuilder().setHeader(header(id, timeMs)).setKvDel(d).build();
  }

  public static CommandHeader header(RequestId id, long timeMs) {
    CommandHeader.Builder h = CommandHeader.newBuilder().setLeaderTimeMs(timeMs);
    if (id != null) {
      h.setRequestId(id);
    }
    return h.build();
  }

  @Override
  public void close() {
    store.close();
  }
}
