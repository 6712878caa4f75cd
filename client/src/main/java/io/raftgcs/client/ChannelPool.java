package io.raftgcs.client;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * One lazily created plaintext channel per API endpoint ("host:port"), including endpoints learned
 * from leader hints. Called from any thread; soft state only.
 */
final class ChannelPool implements AutoCloseable {
  static final int MAX_INBOUND_MESSAGE_BYTES = 16 * 1024 * 1024;
  static final long KEEPALIVE_TIME_SECONDS = 10;
  static final long KEEPALIVE_TIMEOUT_SECONDS = 2;

  private final ConcurrentMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** Returns the endpoint's channel, creating it on first use. Fails once the pool is closed. */
  ManagedChannel get(String endpoint) {
    if (closed) {
      throw new GcsException(GcsException.Code.CANCELLED, "client is closed");
    }
    ManagedChannel ch = channels.computeIfAbsent(endpoint, ChannelPool::open);
    // gRPC keeps a failed channel in its own reconnect backoff (up to minutes) and fails calls fast
    // meanwhile; our retry loop already paces attempts, so reconnect on the next attempt instead.
    if (ch.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      ch.resetConnectBackoff();
    }
    return ch;
  }

  private static ManagedChannel open(String endpoint) {
    // HTTP/2 keepalive while calls are open, so a replica that vanished without closing the
    // connection (kill -9 behind a dropped FIN, a partition) fails its streams within ~12 s.
    // gRPC clamps the ping interval to at least 10 s. No pings on idle connections: the server's
    // default keepalive policy would answer them with GOAWAY(too_many_pings).
    return NettyChannelBuilder.forTarget(endpoint)
        .usePlaintext()
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        .keepAliveTime(KEEPALIVE_TIME_SECONDS, TimeUnit.SECONDS)
        .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(false)
        .build();
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    List<ManagedChannel> all = new ArrayList<>(channels.values());
    all.forEach(ManagedChannel::shutdown);
    for (ManagedChannel ch : all) {
      try {
        if (!ch.awaitTermination(1, TimeUnit.SECONDS)) {
          ch.shutdownNow();
        }
      } catch (InterruptedException e) {
        ch.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
