package io.raftgcs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftgcs.proto.InternalKVGcsServiceGrpc;
import io.raftgcs.proto.InternalKVGetRequest;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.ReadOptions;
import io.raftgcs.proto.RequestId;
import io.raftgcs.server.api.Errors;
import io.raftgcs.server.testing.MiniGcsCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wire contract clients rely on, checked with raw gRPC stubs against a real 3-replica cluster. */
class ServerContractTest {
  @TempDir Path dir;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void closeChannels() {
    channels.forEach(ManagedChannel::shutdownNow);
  }

  private InternalKVGcsServiceGrpc.InternalKVGcsServiceBlockingStub stub(String endpoint) {
    ManagedChannel ch = NettyChannelBuilder.forTarget(endpoint).usePlaintext().build();
    channels.add(ch);
    return InternalKVGcsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(java.time.Duration.ofSeconds(10));
  }

  private static InternalKVPutRequest put(String key, String value, long seq) {
    return InternalKVPutRequest.newBuilder().setNamespace("ns").setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8(value)).setOverwrite(true)
        .setRequestId(RequestId.newBuilder().setClientId(ByteString.copyFrom(new byte[16])).setSeq(seq)).build();
  }

  @Test
  void followerRedirectsWritesAndServesReads() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir)) {
      int leader = c.leader();
      int follower = (leader + 1) % 3;
      var first = stub(c.endpoint(leader)).internalKVPut(put("a", "1", 1));
      assertTrue(first.getAdded());

      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> stub(c.endpoint(follower)).internalKVPut(put("b", "2", 2)));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
      assertEquals(c.endpoint(leader), e.getTrailers().get(Errors.LEADER_API));

      // Linearizable read on a follower sees the acknowledged write.
      var got = stub(c.endpoint(follower)).internalKVGet(
          InternalKVGetRequest.newBuilder().setNamespace("ns").setKey(ByteString.copyFromUtf8("a")).build());
      assertTrue(got.getFound());
      assertEquals("1", got.getValue().toStringUtf8());
      assertTrue(got.getHeader().getRevision() > 0);

      // A retried request id is answered from the session record: added stays true, nothing re-applied.
      var retried = stub(c.endpoint(leader)).internalKVPut(put("a", "1", 1));
      assertTrue(retried.getAdded());
      assertEquals(first.getHeader().getRevision(), retried.getHeader().getRevision(),
          "a retry is answered with the revision at which the write took effect");
      assertFalse(stub(c.endpoint(leader)).internalKVPut(put("a", "3", 3)).getAdded());

      var stale = stub(c.endpoint(follower)).internalKVGet(InternalKVGetRequest.newBuilder().setNamespace("ns")
          .setKey(ByteString.copyFromUtf8("a")).setRead(ReadOptions.newBuilder().setStale(true).setMinRevision(
              got.getHeader().getRevision())).build());
      assertTrue(stale.getFound());
      c.awaitConverged(Duration.ofSeconds(10));
    }
  }

  /**
   * Linearizable reads are answered in cohorts (one ReadIndex round per batch of reads): under concurrent
   * writers, a read on any replica that starts after a write was acknowledged still sees that write.
   */
  @Test
  void concurrentReadsOnEveryReplicaSeeEveryAcknowledgedWrite() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir)) {
      int leader = c.leader();
      int writers = 6;
      int rounds = 40;
      List<Thread> threads = new ArrayList<>();
      java.util.concurrent.ConcurrentLinkedQueue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
      for (int w = 0; w < writers; w++) {
        int me = w;
        var writeStub = stub(c.endpoint(leader));
        List<InternalKVGcsServiceGrpc.InternalKVGcsServiceBlockingStub> readers =
            List.of(stub(c.endpoint(0)), stub(c.endpoint(1)), stub(c.endpoint(2)));
        threads.add(new Thread(() -> {
          try {
            for (int i = 1; i <= rounds; i++) {
              writeStub.internalKVPut(put("k" + me, Integer.toString(i), 1000L * (me + 1) + i));
              var got = readers.get((me + i) % 3).internalKVGet(InternalKVGetRequest.newBuilder().setNamespace("ns")
                  .setKey(ByteString.copyFromUtf8("k" + me)).build());
              if (!got.getFound() || !got.getValue().toStringUtf8().equals(Integer.toString(i))) {
                failures.add("writer " + me + " wrote " + i + " but read " + got.getValue().toStringUtf8()
                    + " from replica " + ((me + i) % 3));
              }
            }
          } catch (RuntimeException e) {
            failures.add("writer " + me + ": " + e);
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join(60_000);
        assertFalse(t.isAlive(), "a writer did not finish its rounds within 60 s");
      }
      assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }
  }
}
