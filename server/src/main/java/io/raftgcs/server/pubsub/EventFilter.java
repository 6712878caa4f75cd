package io.raftgcs.server.pubsub;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.SubscribeRequest;

/** Which events a subscriber wants: one channel, a namespace (KV), and an exact key or a key prefix. */
record EventFilter(Channel channel, String namespace, ByteString key, ByteString prefix) {
  static EventFilter of(SubscribeRequest r) {
    return new EventFilter(r.getChannel(), r.getNamespace(), r.getKey(), r.getKeyPrefix());
  }

  boolean matches(Event e) {
    if (e.getChannel() != channel || !e.getNamespace().equals(namespace)) {
      return false;
    }
    if (!key.isEmpty()) {
      return e.getKey().equals(key);
    }
    return e.getKey().startsWith(prefix);
  }

  /** The batch cut down to matching events (all of them, never split across messages), or null. */
  EventBatch select(EventBatch b) {
    EventBatch.Builder out = null;
    for (Event e : b.getEventsList()) {
      if (matches(e)) {
        if (out == null) {
          out = EventBatch.newBuilder().setRevision(b.getRevision());
        }
        out.addEvents(e);
      }
    }
    return out == null ? null : out.build();
  }
}
