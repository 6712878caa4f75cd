package io.raftgcs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.PubsubGcsServiceGrpc;
import io.raftgcs.proto.SubscribeRequest;
import io.raftgcs.proto.SubscribeResponse;
import io.raftgcs.server.testing.MiniGcsCluster;
import io.raftgcs.server.testing.Stubs;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A subscriber that stops reading never stalls writes or other subscribers, and is cut off with
 * RESOURCE_EXHAUSTED and the revision to resume from.
 */
class SlowSubscriberTest {
  @TempDir Path dir;

  @BeforeAll
  static void shortStall() {
    System.setProperty("raftgcs.subscribe.stallMs", "1500");
  }

  @AfterAll
  static void restore() {
    System.clearProperty("raftgcs.subscribe.stallMs");
  }

  @Test
  void stalledSubscriberIsCutOffWhileWritesAndOthersContinue() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir); Stubs s = new Stubs()) {
      int leader = c.leader();
      ManagedChannel ch = NettyChannelBuilder.forTarget(c.endpoint(leader)).usePlaintext()
          .flowControlWindow(65_535).build();
      try {
        SubscribeRequest req = SubscribeRequest.newBuilder().setChannel(Channel.KV).setNamespace("slow").build();
        // The stalled one: asks for one message and then never for another.
        ClientCall<SubscribeRequest, SubscribeResponse> stalled =
            ch.newCall(PubsubGcsServiceGrpc.getSubscribeMethod(), io.grpc.CallOptions.DEFAULT);
        CompletableFuture<Status> stalledEnd = new CompletableFuture<>();
        CompletableFuture<Metadata> stalledTrailers = new CompletableFuture<>();
        stalled.start(new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            stalledTrailers.complete(trailers);
            stalledEnd.complete(status);
          }
        }, new Metadata());
        stalled.sendMessage(req);
        stalled.halfClose();
        stalled.request(1);

        // A healthy one on the same replica counts what it receives.
        AtomicLong healthy = new AtomicLong();
        ClientCall<SubscribeRequest, SubscribeResponse> good =
            ch.newCall(PubsubGcsServiceGrpc.getSubscribeMethod(), io.grpc.CallOptions.DEFAULT);
        good.start(new ClientCall.Listener<>() {
          @Override
          public void onMessage(SubscribeResponse r) {
            if (r.hasEvents()) {
              healthy.incrementAndGet();
            }
            good.request(1);
          }
        }, new Metadata());
        good.sendMessage(req);
        good.halfClose();
        good.request(1);

        byte[] value = new byte[4096];
        int writes = 150;
        for (int i = 0; i < writes; i++) {
          s.kv(c.endpoint(leader)).internalKVPut(InternalKVPutRequest.newBuilder().setNamespace("slow")
              .setKey(ByteString.copyFromUtf8("k" + i)).setValue(ByteString.copyFrom(value)).setOverwrite(true)
              .setRequestId(s.rid()).build());
        }
        // The replica drops the stalled stream (only the healthy one remains registered)...
        long cutDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (c.server(leader).eventBus().subscriberCount() > 1 && System.nanoTime() < cutDeadline) {
          Thread.sleep(20);
        }
        assertEquals(1, c.server(leader).eventBus().subscriberCount(), "the stalled subscriber was cut off");
        // ...and its client sees why once it reads what was queued before the status.
        stalled.request(Integer.MAX_VALUE);
        Status end = stalledEnd.get(30, TimeUnit.SECONDS);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, end.getCode(), String.valueOf(end));
        String resume = stalledTrailers.get().get(Metadata.Key.of("gcs-resume-revision", Metadata.ASCII_STRING_MARSHALLER));
        assertTrue(resume != null && Long.parseLong(resume) > 0, "cut-off names the revision to resume from");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (healthy.get() < writes && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(writes, healthy.get(), "the healthy subscriber got every revision");
        good.cancel("done", null);
      } finally {
        ch.shutdownNow();
      }
    }
  }
}
