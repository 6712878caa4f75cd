package io.raftgcs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.EventKind;
import io.raftgcs.proto.InternalKVDelRequest;
import io.raftgcs.proto.InternalKVGcsServiceGrpc;
import io.raftgcs.proto.InternalKVPutRequest;
import io.raftgcs.proto.PubsubGcsServiceGrpc;
import io.raftgcs.proto.RequestId;
import io.raftgcs.proto.SubscribeRequest;
import io.raftgcs.proto.SubscribeResponse;
import io.raftgcs.server.testing.MiniGcsCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Subscribe on the wire: ordering, filtering, resume by revision, bookmarks, compaction. */
class PubsubContractTest {
  @TempDir Path dir;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private long seq;

  @AfterEach
  void closeChannels() {
    channels.forEach(ManagedChannel::shutdownNow);
  }

  private ManagedChannel channel(String endpoint) {
    ManagedChannel ch = NettyChannelBuilder.forTarget(endpoint).usePlaintext().build();
    channels.add(ch);
    return ch;
  }

  private long put(MiniGcsCluster c, String ns, String key, String value) {
    var stub = InternalKVGcsServiceGrpc.newBlockingStub(channel(c.endpoint(c.leader())))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
    return stub.internalKVPut(InternalKVPutRequest.newBuilder().setNamespace(ns).setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8(value)).setOverwrite(true).setRequestId(rid()).build())
        .getHeader().getRevision();
  }

  private RequestId rid() {
    return RequestId.newBuilder().setClientId(ByteString.copyFrom(new byte[16])).setSeq(++seq).build();
  }

  private Iterator<SubscribeResponse> subscribe(String endpoint, String ns, String prefix, long from) {
    return PubsubGcsServiceGrpc.newBlockingStub(channel(endpoint)).withDeadlineAfter(20, TimeUnit.SECONDS)
        .subscribe(SubscribeRequest.newBuilder().setChannel(Channel.KV).setNamespace(ns)
            .setKeyPrefix(ByteString.copyFromUtf8(prefix)).setStartRevision(from).setProgressIntervalMs(100).build());
  }

  /** Next event batch, skipping bookmarks. */
  private static SubscribeResponse nextEvents(Iterator<SubscribeResponse> it) {
    while (true) {
      SubscribeResponse r = it.next();
      if (r.hasEvents()) {
        return r;
      }
    }
  }

  @Test
  void deliversFilteredEventsInOrderAndResumesFromARevision() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir)) {
      int follower = (c.leader() + 1) % 3;
      Iterator<SubscribeResponse> live = subscribe(c.endpoint(follower), "ns", "a/", 0);
      SubscribeResponse first = live.next();
      assertTrue(first.hasProgress(), "a stream starts with a bookmark of where it starts");

      long r1 = put(c, "ns", "a/1", "x");
      put(c, "ns", "b/1", "ignored");           // other prefix
      put(c, "other", "a/1", "ignored");        // other namespace
      long r2 = put(c, "ns", "a/2", "y");
      var del = InternalKVGcsServiceGrpc.newBlockingStub(channel(c.endpoint(c.leader())))
          .internalKVDel(InternalKVDelRequest.newBuilder().setNamespace("ns").setKey(ByteString.copyFromUtf8("a/"))
              .setDelByPrefix(true).setRequestId(rid()).build());
      assertEquals(2, del.getDeletedNum());
      long r3 = del.getHeader().getRevision();

      SubscribeResponse e1 = nextEvents(live);
      assertEquals(r1, e1.getEvents().getRevision());
      assertEquals("a/1", e1.getEvents().getEvents(0).getKey().toStringUtf8());
      assertEquals("x", e1.getEvents().getEvents(0).getValue().toStringUtf8());
      SubscribeResponse e2 = nextEvents(live);
      assertEquals(r2, e2.getEvents().getRevision());
      SubscribeResponse e3 = nextEvents(live);
      assertEquals(r3, e3.getEvents().getRevision());
      assertEquals(2, e3.getEvents().getEventsCount(), "both deletes of one revision arrive together");
      assertEquals(EventKind.DELETE, e3.getEvents().getEvents(0).getKind());

      // Resume on another replica from just after r1: exactly r2 then r3.
      Iterator<SubscribeResponse> resumed = subscribe(c.endpoint(c.leader()), "ns", "a/", r1 + 1);
      assertEquals(r2, nextEvents(resumed).getEvents().getRevision());
      assertEquals(r3, nextEvents(resumed).getEvents().getRevision());

      // Idle: bookmarks keep coming and cover the latest revision.
      SubscribeResponse bookmark;
      do {
        bookmark = live.next();
      } while (!bookmark.hasProgress() || bookmark.getProgress().getRevision() < r3);
      assertTrue(bookmark.getProgress().getRevision() >= r3);
    }
  }

  @Test
  void compactedStartRevisionFailsWithOldestAvailable() throws Exception {
    try (MiniGcsCluster c = MiniGcsCluster.start(3, dir, cfg -> cfg.withEventHistory(5, 1 << 20))) {
      for (int i = 0; i < 20; i++) {
        put(c, "ns", "k" + i, "v");
      }
      Iterator<SubscribeResponse> it = subscribe(c.endpoint(c.leader()), "ns", "", 1);
      try {
        it.next();
        throw new AssertionError("expected OUT_OF_RANGE");
      } catch (StatusRuntimeException e) {
        assertEquals(Status.Code.OUT_OF_RANGE, e.getStatus().getCode());
        assertFalse(e.getTrailers().get(io.grpc.Metadata.Key.of("gcs-oldest-revision",
            io.grpc.Metadata.ASCII_STRING_MARSHALLER)).isEmpty());
      }
    }
  }
}
