package io.raftgcs.server.api;

import io.grpc.stub.StreamObserver;
import io.raftgcs.proto.Command;
import io.raftgcs.proto.GetRuntimeEnvPinsReply;
import io.raftgcs.proto.GetRuntimeEnvPinsRequest;
import io.raftgcs.proto.PinRuntimeEnvURIReply;
import io.raftgcs.proto.PinRuntimeEnvURIRequest;
import io.raftgcs.proto.Query;
import io.raftgcs.proto.RuntimeEnvGcsServiceGrpc;

/**
 * Ray's RuntimeEnvGcsService: {@code PinRuntimeEnvURI} is a replicated command (expiry = the leader's time +
 * expiration_s, re-pinning extends to the later expiry); pins expire by the leader's
 * {@code server.leader.RuntimeEnvExpirer}. {@code GetRuntimeEnvPins} lists them. gRPC threads; stateless.
 */
public final class RuntimeEnvService extends RuntimeEnvGcsServiceGrpc.RuntimeEnvGcsServiceImplBase {
  /** URIs are keys: bounded like other names. */
  public static final int MAX_URI_BYTES = 4096;

  private final Calls calls;

  public RuntimeEnvService(Calls calls) {
    this.calls = calls;
  }

  static void validate(PinRuntimeEnvURIRequest r) {
    KvValidator.requestId(r.hasRequestId(), r.getRequestId());
    if (r.getUri().isEmpty()) {
      throw Errors.invalid("uri: must not be empty");
    }
    if (r.getUri().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_URI_BYTES) {
      throw Errors.invalid("uri: longer than " + MAX_URI_BYTES + " bytes");
    }
    if (r.getExpirationS() < 0) {
      throw Errors.invalid("expiration_s: must be >= 0");
    }
  }

  @Override
  public void pinRuntimeEnvURI(PinRuntimeEnvURIRequest req, StreamObserver<PinRuntimeEnvURIReply> obs) {
    calls.write(obs, () -> validate(req), req.getRequestId(), Command.newBuilder().setPinRuntimeEnvUri(req),
        (p, h) -> p.result().getPinRuntimeEnvUri().toBuilder().setHeader(h).build());
  }

  @Override
  public void getRuntimeEnvPins(GetRuntimeEnvPinsRequest req, StreamObserver<GetRuntimeEnvPinsReply> obs) {
    calls.read(obs, () -> { }, req.getRead(), Query.newBuilder().setGetRuntimeEnvPins(req).build(),
        (r, h) -> r.getGetRuntimeEnvPins().toBuilder().setHeader(h).build());
  }
}
