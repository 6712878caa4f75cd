package io.raftgcs.bench.jmh;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.CommandHeader;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.LogEntryPayload;
import io.raftgcs.proto.RequestId;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Serialization of one Raft log entry ({@link LogEntryPayload}) of 1 or 64 KV puts. Score: ns per entry. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PayloadBench {
  @Param({"1", "64"})
  public int commands;

  private LogEntryPayload payload;
  private byte[] encoded;

  @Setup
  public void build() {
    LogEntryPayload.Builder b = LogEntryPayload.newBuilder();
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    byte[] cid = new byte[16];
    rnd.nextBytes(cid);
    for (int i = 0; i < commands; i++) {
      byte[] v = new byte[256];
      rnd.nextBytes(v);
      b.addCommands(Command.newBuilder()
          .setHeader(CommandHeader.newBuilder().setLeaderTimeMs(System.currentTimeMillis()).setMaxDeadNodes(1000)
              .setRequestId(RequestId.newBuilder().setClientId(ByteString.copyFrom(cid)).setSeq(i + 1)))
          .setKvPut(InternalKVPutRequest.newBuilder().setNamespace("bench")
              .setKey(ByteString.copyFromUtf8(String.format("k%07d", rnd.nextInt(100_000))))
              .setValue(ByteString.copyFrom(v)).setOverwrite(true)));
    }
    payload = b.build();
    encoded = payload.toByteArray();
  }

  @Benchmark
  public byte[] encode() {
    return payload.toByteArray();
  }

  @Benchmark
  public LogEntryPayload decode() throws InvalidProtocolBufferException {
    return LogEntryPayload.parseFrom(encoded);
  }
}
