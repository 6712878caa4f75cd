package io.raftgcs.server.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing through the index gives each subscriber exactly what its filter selects, nothing to the others. */
class InterestIndexTest {
  private static Subscriber sub(Channel c, String ns, String key, String prefix) {
    return new Subscriber(null, new EventFilter(c, ns, ByteString.copyFromUtf8(key), ByteString.copyFromUtf8(prefix)),
        null, 1, 1000, 100, 1000);
  }

  private static Event ev(Channel c, String ns, String key) {
    return Event.newBuilder().setChannel(c).setNamespace(ns).setKey(ByteString.copyFromUtf8(key)).build();
  }

  @Test
  void routesByExactKeyAndEveryPrefixLength() {
    InterestIndex idx = new InterestIndex();
    Subscriber all = sub(Channel.KV, "ns", "", "");
    Subscriber ab = sub(Channel.KV, "ns", "", "ab");
    Subscriber abc = sub(Channel.KV, "ns", "", "abc");
    Subscriber exact = sub(Channel.KV, "ns", "abx", "");
    Subscriber otherNs = sub(Channel.KV, "other", "", "");
    Subscriber node = sub(Channel.NODE_ASSIGNMENT, "", "", "n1");
    for (Subscriber s : new Subscriber[] {all, ab, abc, exact, otherNs, node}) {
      idx.add(s);
    }
    assertEquals(6, idx.size());
    EventBatch b = EventBatch.newBuilder().setRevision(7).addEvents(ev(Channel.KV, "ns", "abcd"))
        .addEvents(ev(Channel.KV, "ns", "abx")).addEvents(ev(Channel.KV, "ns", "z"))
        .addEvents(ev(Channel.NODE_ASSIGNMENT, "", "n1/a1")).build();
    Map<Subscriber, EventBatch> r = idx.route(b);
    assertEquals(5, r.size());
    for (Map.Entry<Subscriber, EventBatch> e : r.entrySet()) {
      assertEquals(e.getKey().filter().select(b), e.getValue(), "same as the filter's own selection");
    }
    assertTrue(!r.containsKey(otherNs));
    EventBatch only = EventBatch.newBuilder().setRevision(8).addEvents(ev(Channel.KV, "ns", "q")).build();
    assertSame(only, idx.route(only).get(all), "a batch matched whole is passed on as it is");

    idx.remove(ab);
    idx.remove(ab);
    idx.remove(node);
    assertEquals(4, idx.size());
    Map<Subscriber, EventBatch> r2 = idx.route(b);
    assertEquals(3, r2.size());
    assertTrue(r2.containsKey(abc) && r2.containsKey(all) && r2.containsKey(exact));
  }
}
