package io.raftgcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.Progress;
import io.raftgcs.proto.PubsubGcsServiceGrpc;
import io.raftgcs.proto.SubscribeRequest;
import io.raftgcs.proto.SubscribeResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client-side stream logic against scripted replicas: a replica that hangs is detected by the
 * stall watchdog and replaced by another one; resumption asks for last + 1; a replayed batch is
 * dropped; RESOURCE_EXHAUSTED resumes; OUT_OF_RANGE is terminal and carries the oldest revision.
 */
@Timeout(30)
class StreamSubscriptionTest {
  /** One scripted answer: what replica {@code replica} does for its {@code attempt}-th stream. */
  interface Script {
    void run(int attempt, SubscribeRequest req, StreamObserver<SubscribeResponse> out);
  }

  private static Server serve(Script script, List<String> log, String name) throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new PubsubGcsServiceGrpc.PubsubGcsServiceImplBase() {
          @Override
          public void subscribe(SubscribeRequest req, StreamObserver<SubscribeResponse> out) {
            log.add(name + "@" + req.getStartRevision());
            script.run(attempts.incrementAndGet(), req, out);
          }
        }).build().start();
  }

  private static SubscribeResponse progress(long r) {
    return SubscribeResponse.newBuilder().setProgress(Progress.newBuilder().setRevision(r)).build();
  }

  private static SubscribeResponse events(long r) {
    return SubscribeResponse.newBuilder().setEvents(EventBatch.newBuilder().setRevision(r)
        .addEvents(io.raftgcs.proto.Event.newBuilder().setRevision(r))).build();
  }

  @Test
  void hungReplicaIsReplacedResumeIsGapFreeAndCompactionIsTerminal() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    Server a = serve((attempt, req, out) -> {
      if (attempt == 1) {
        out.onNext(progress(10));
        out.onNext(events(11));
        out.onNext(events(12));
        // then hang: no bookmarks, no end (a replica stuck or gone without closing)
      } else {
        out.onNext(progress(req.getStartRevision() - 1));
        out.onNext(events(14));
        Metadata t = new Metadata();
        t.put(Metadata.Key.of("gcs-oldest-revision", Metadata.ASCII_STRING_MARSHALLER), "5");
        out.onError(Status.OUT_OF_RANGE.withDescription("compacted").asRuntimeException(t));
      }
    }, log, "A");
    Server b = serve((attempt, req, out) -> {
      out.onNext(progress(req.getStartRevision() - 1));
      out.onNext(events(12)); // replayed: must be dropped
      out.onNext(events(13));
      out.onError(Status.RESOURCE_EXHAUSTED.withDescription("too slow").asRuntimeException());
    }, log, "B");
    String ea = "127.0.0.1:" + a.getPort();
    String eb = "127.0.0.1:" + b.getPort();
    try (GcsClient client = GcsClient.builder().endpoints(List.of(ea, eb)).build()) {
      List<Long> delivered = Collections.synchronizedList(new ArrayList<>());
      AtomicReference<GcsException> terminal = new AtomicReference<>();
      CountDownLatch ended = new CountDownLatch(1);
      Subscription s = client.subscribe(SubscribeOptions.kvPrefix("ns", "p")
              .preferring(ea).progressInterval(Duration.ofMillis(200)),
          new Subscription.Listener() {
            @Override
            public void onEvents(EventBatch batch) {
              delivered.add(batch.getRevision());
            }

            @Override
            public void onError(GcsException error) {
              terminal.set(error);
              ended.countDown();
            }
          });
      assertEquals(10L, s.started().get(5, TimeUnit.SECONDS));
      assertTrue(ended.await(15, TimeUnit.SECONDS), "log " + log);
      assertEquals(List.of(11L, 12L, 13L, 14L), delivered);
      assertEquals(List.of("A@0", "B@13", "A@14"), log);
      assertEquals(GcsException.Code.OUT_OF_RANGE, terminal.get().code());
      assertEquals(5, terminal.get().oldestRevision());
      assertEquals(14, s.lastRevision());
      assertFalse(s.isActive());
      assertEquals(0, client.subscriptionCount());
    } finally {
      a.shutdownNow();
      b.shutdownNow();
    }
  }

  @Test
  void eventStreamHandsOutBatchesAndEndsOnClose() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    Server a = serve((attempt, req, out) -> {
      out.onNext(progress(1));
      out.onNext(events(2));
      out.onNext(events(3));
    }, log, "A");
    try (GcsClient client = GcsClient.builder().endpoints("127.0.0.1:" + a.getPort()).build()) {
      EventStream stream = client.stream(SubscribeOptions.nodes());
      assertEquals(2, stream.take().getRevision());
      assertEquals(3, stream.poll(Duration.ofSeconds(5)).getRevision());
      assertEquals(null, stream.poll(Duration.ofMillis(50)));
      stream.close();
      assertFalse(stream.iterator().hasNext());
    } finally {
      a.shutdownNow();
    }
  }
}
