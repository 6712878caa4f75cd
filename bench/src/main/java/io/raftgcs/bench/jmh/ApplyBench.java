package io.raftgcs.bench.jmh;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.CommandHeader;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.LogEntryPayload;
import io.raftgcs.proto.RequestId;
import io.raftgcs.statemachine.apply.CommandApplier;
import io.raftgcs.statemachine.apply.EventHistory;
import io.raftgcs.statemachine.store.GcsStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The apply path: KV puts (8-byte keys out of 100k, 256-byte values, each with a request id, as the
 * server proposes them) through {@link CommandApplier} into a real RocksDB in a temp dir (the store's
 * own options: WAL off, the Raft log is the WAL). Score = commands per second. The entry is built
 * inside the measured method (a few hundred ns per command), as the server decodes one per entry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ApplyBench {
  private Path dir;
  private GcsStore store;
  private CommandApplier applier;
  private long index;
  private long seq;
  private final ByteString clientId = ByteString.copyFrom(new byte[16]);
  private final ByteString[] keys = new ByteString[100_000];
  private final ByteString[] values = new ByteString[64];

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("apply-bench");
    store = GcsStore.open(dir.resolve("db"));
    applier = new CommandApplier(new EventHistory(100_000, 64L << 20));
    applier.load(store);
    for (int i = 0; i < keys.length; i++) {
      keys[i] = ByteString.copyFromUtf8(String.format("k%07d", i));
    }
    for (int i = 0; i < values.length; i++) {
      byte[] v = new byte[256];
      ThreadLocalRandom.current().nextBytes(v);
      values[i] = ByteString.copyFrom(v);
    }
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private LogEntryPayload entry(int commands) {
    LogEntryPayload.Builder b = LogEntryPayload.newBuilder();
    long now = System.currentTimeMillis();
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    for (int i = 0; i < commands; i++) {
      b.addCommands(Command.newBuilder()
          .setHeader(CommandHeader.newBuilder().setLeaderTimeMs(now)
              .setRequestId(RequestId.newBuilder().setClientId(clientId).setSeq(++seq)))
          .setKvPut(InternalKVPutRequest.newBuilder().setNamespace("bench")
              .setKey(keys[rnd.nextInt(keys.length)]).setValue(values[i & 63]).setOverwrite(true)));
    }
    return b.build();
  }

  @Benchmark
  public Object put1PerEntry() {
    return applier.apply(store, 1, ++index, entry(1));
  }

  @Benchmark
  @OperationsPerInvocation(64)
  public Object put64PerEntry() {
    return applier.apply(store, 1, ++index, entry(64));
  }
}
