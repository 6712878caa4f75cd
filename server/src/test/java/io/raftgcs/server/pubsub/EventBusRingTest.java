package io.raftgcs.server.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.EventKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory ring of recent batches is bounded by count and by serialized bytes. */
class EventBusRingTest {
  private static EventBatch batch(long revision, int events, int valueBytes) {
    EventBatch.Builder b = EventBatch.newBuilder().setRevision(revision);
    for (int i = 0; i < events; i++) {
      b.addEvents(Event.newBuilder().setRevision(revision).setChannel(Channel.KV).setNamespace("ns")
          .setKey(ByteString.copyFromUtf8("k" + i)).setKind(EventKind.PUT)
          .setValue(ByteString.copyFrom(new byte[valueBytes])));
    }
    return b.build();
  }

  private static void awaitPublished(EventBus bus, long index) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (bus.published() < index && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(index, bus.published());
  }

  @Test
  void bigBatchesAreDroppedByBytesLongBeforeTheCountBound() throws Exception {
    int size = batch(1, 10, 100).getSerializedSize();
    EventBus bus = new EventBus(null, 4096, 3L * size, 1);
    try {
      for (long i = 1; i <= 20; i++) {
        bus.onApplied(i, batch(i, 10, 100));
      }
      awaitPublished(bus, 20);
      assertEquals(3, bus.ringSize(), "three batches fit the byte bound");
      List<EventBatch> newest = bus.read(18, 20, 10);
      assertEquals(List.of(18L, 19L, 20L), newest.stream().map(EventBatch::getRevision).toList());
    } finally {
      bus.close();
    }
  }

  @Test
  void theCountBoundStillHoldsForSmallBatches() throws Exception {
    EventBus bus = new EventBus(null, 5, 1L << 20, 1);
    try {
      for (long i = 1; i <= 12; i++) {
        bus.onApplied(i, batch(i, 1, 10));
      }
      bus.onApplied(13, EventBatch.newBuilder().setRevision(13).build()); // no events: not kept
      awaitPublished(bus, 13);
      assertEquals(5, bus.ringSize());
    } finally {
      bus.close();
    }
  }

  @Test
  void aBatchLargerThanTheByteBoundIsStillKeptAlone() throws Exception {
    EventBus bus = new EventBus(null, 4096, 10, 1);
    try {
      bus.onApplied(1, batch(1, 3, 100));
      bus.onApplied(2, batch(2, 3, 100));
      awaitPublished(bus, 2);
      assertEquals(1, bus.ringSize(), "only the newest");
      assertEquals(3, bus.read(2, 2, 10).get(0).getEventsCount());
    } finally {
      bus.close();
    }
  }

  @Test
  void boundsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new EventBus(null, 0, 100, 1));
    assertThrows(IllegalArgumentException.class, () -> new EventBus(null, 10, 0, 1));
  }
}
