package io.raftgcs.server.pubsub;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.Channel;
import io.raftgcs.proto.PubsubGcsServiceGrpc;
import io.raftgcs.proto.SubscribeRequest;
import io.raftgcs.proto.SubscribeResponse;
import io.grpc.StatusRuntimeException;
import io.raftgcs.server.api.Errors;
import io.raftgcs.server.api.KvValidator;

/**
 * PubsubGcsService.Subscribe on any replica: validates the request, places the cursor (from now, or from a
 * start revision still in history) and hands the stream to a {@link Subscriber}. gRPC threads; stateless.
 */
public final class PubsubService extends PubsubGcsServiceGrpc.PubsubGcsServiceImplBase {
  private final EventBus bus;
  private final SubscribeLimits limits;

  public PubsubService(EventBus bus, SubscribeLimits limits) {
    this.bus = bus;
    this.limits = limits;
  }

  @Override
  public void subscribe(SubscribeRequest req, StreamObserver<SubscribeResponse> observer) {
    ServerCallStreamObserver<SubscribeResponse> out = (ServerCallStreamObserver<SubscribeResponse>) observer;
    try {
      validate(req);
    } catch (StatusRuntimeException e) {
      out.onError(e);
      return;
    }
    long cursor = req.getStartRevision() == 0 ? bus.published() + 1 : req.getStartRevision();
    if (cursor < bus.oldestAvailable()) {
      Metadata t = new Metadata();
      t.put(Subscriber.OLDEST, Long.toString(bus.oldestAvailable()));
      out.onError(Status.OUT_OF_RANGE.withDescription("start_revision " + cursor + " is compacted; oldest available is "
          + bus.oldestAvailable()).asRuntimeException(t));
      return;
    }
    long progress = req.getProgressIntervalMs() == 0 ? limits.defaultProgressMs()
        : Math.max(limits.minProgressMs(), req.getProgressIntervalMs());
    Subscriber s = new Subscriber(bus, EventFilter.of(req), out, cursor, progress, limits.maxLagRevisions(),
        limits.stallMs());
    out.setOnCancelHandler(s::cancelled);
    out.setOnReadyHandler(s::wake);
    bus.add(s);
    s.start();
  }

  static void validate(SubscribeRequest req) {
    if (req.getChannel() == Channel.CHANNEL_UNSPECIFIED || req.getChannel() == Channel.UNRECOGNIZED) {
      throw Errors.invalid("channel: must be set (KV, NODE, ACTOR, JOB, WORKER, PLACEMENT_GROUP, NODE_ASSIGNMENT)");
    }
    if (req.getStartRevision() < 0) {
      throw Errors.invalid("start_revision: must not be negative");
    }
    if (req.getProgressIntervalMs() < 0) {
      throw Errors.invalid("progress_interval_ms: must not be negative");
    }
    if (req.getChannel() != Channel.KV && !req.getNamespace().isEmpty()) {
      throw Errors.invalid("namespace: only the KV channel has namespaces");
    }
    KvValidator.namespace(req.getNamespace());
    KvValidator.keyLength("key", req.getKey());
    KvValidator.keyLength("key_prefix", req.getKeyPrefix());
  }
}
