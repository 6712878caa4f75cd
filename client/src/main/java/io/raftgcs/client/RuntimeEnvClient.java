package io.raftgcs.client;

import io.grpc.Channel;
import io.raftgcs.proto.GetRuntimeEnvPinsRequest;
import io.raftgcs.proto.PinRuntimeEnvURIRequest;
import io.raftgcs.proto.ReadOptions;
import io.raftgcs.proto.RuntimeEnvGcsServiceGrpc;
import io.raftgcs.proto.RuntimeEnvGcsServiceGrpc.RuntimeEnvGcsServiceFutureStub;
import io.raftgcs.proto.RuntimeEnvPin;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Runtime-env URI pins ({@code PinRuntimeEnvURI}). Pins are replicated and expire by
 * leader-proposed time: a pin is held until the leader's clock passes its expiry.
 */
public final class RuntimeEnvClient {
  private final GcsClient client;
  private final ReadConsistency consistency;

  RuntimeEnvClient(GcsClient client, ReadConsistency consistency) {
    this.client = client;
    this.consistency = consistency;
  }

  public RuntimeEnvClient stale() {
    return new RuntimeEnvClient(client, ReadConsistency.STALE);
  }

  public RuntimeEnvClient linearizable() {
    return new RuntimeEnvClient(client, ReadConsistency.LINEARIZABLE);
  }

  /**
   * Pins {@code uri} for {@code expirationS} seconds of leader time (an existing pin is only ever
   * extended); returns the pin's expiry in leader milliseconds.
   */
  public CompletableFuture<Long> pinAsync(String uri, int expirationS) {
    if (expirationS < 0) {
      throw new IllegalArgumentException("expirationS must not be negative");
    }
    PinRuntimeEnvURIRequest req = PinRuntimeEnvURIRequest.newBuilder()
        .setUri(Objects.requireNonNull(uri, "uri")).setExpirationS(expirationS)
        .setRequestId(client.nextRequestId()).build();
    return client.executor()
        .execute(CallSpec.write("PinRuntimeEnvURI"), ch -> stub(ch).pinRuntimeEnvURI(req))
        .thenApply(r -> r.getExpiresAtMs());
  }

  public long pin(String uri, int expirationS) {
    return Blocking.await(pinAsync(uri, expirationS));
  }

  /** Current pins whose uri starts with {@code uriPrefix} (null or empty: all), in uri order. */
  public CompletableFuture<List<RuntimeEnvPin>> listAsync(String uriPrefix) {
    GetRuntimeEnvPinsRequest req = GetRuntimeEnvPinsRequest.newBuilder()
        .setUriPrefix(uriPrefix == null ? "" : uriPrefix)
        .setRead(ReadOptions.newBuilder().setStale(consistency == ReadConsistency.STALE))
        .build();
    return client.executor()
        .execute(CallSpec.read("GetRuntimeEnvPins", consistency, null),
            ch -> stub(ch).getRuntimeEnvPins(req))
        .thenApply(r -> List.copyOf(r.getPinsList()));
  }

  public List<RuntimeEnvPin> list(String uriPrefix) {
    return Blocking.await(listAsync(uriPrefix));
  }

  private static RuntimeEnvGcsServiceFutureStub stub(Channel ch) {
    return RuntimeEnvGcsServiceGrpc.newFutureStub(ch);
  }
}
