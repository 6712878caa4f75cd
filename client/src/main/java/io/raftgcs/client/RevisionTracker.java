package io.raftgcs.client;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.raftgcs.proto.ResponseHeader;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Highest revision seen in any reply's {@code header} field. Found by descriptor so that every reply
 * type with a {@link ResponseHeader} named {@code header} is covered without per-RPC code. Called
 * from gRPC callback threads.
 */
final class RevisionTracker {
  private final AtomicLong last = new AtomicLong();
  private final ConcurrentMap<Descriptor, Optional<FieldDescriptor>> headerFields =
      new ConcurrentHashMap<>();

  void observe(Object reply) {
    if (!(reply instanceof Message m)) {
      return;
    }
    headerFields
        .computeIfAbsent(m.getDescriptorForType(), RevisionTracker::headerField)
        .filter(m::hasField)
        .map(f -> (ResponseHeader) m.getField(f))
        .ifPresent(h -> last.accumulateAndGet(h.getRevision(), Math::max));
  }

  long last() {
    return last.get();
  }

  private static Optional<FieldDescriptor> headerField(Descriptor d) {
    FieldDescriptor f = d.findFieldByName("header");
    boolean ok =
        f != null
            && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
            && !f.isRepeated()
            && f.getMessageType().equals(ResponseHeader.getDescriptor());
    return ok ? Optional.of(f) : Optional.empty();
  }
}
