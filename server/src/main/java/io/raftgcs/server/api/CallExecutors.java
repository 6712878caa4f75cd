package io.raftgcs.server.api;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which thread runs a call's handler. The API server itself is built with a direct executor, so gRPC looks
 * up the method on the transport thread that decoded the request; this supplier then moves every call of a
 * service that may block (admin calls that wait on Ratis, subscription set-up, ...) to a cached pool. Calls
 * of the audited non-blocking services (validate, hand the work to the proposer or the read barrier,
 * return) stay on the transport thread: no thread hand-off at all on the KV path.
 *
 * <p>Why not a default executor plus "direct" for the audited services: gRPC runs its method lookup on the
 * server's default executor before it asks the supplier, so that costs one hand-off per call anyway
 * (measured at about 13 % of the leader's transport thread under 64-client puts, in unpark alone).
 *
 * <p>Owned by {@code GcsServer}, which closes it after the gRPC server has stopped.
 */
public final class CallExecutors implements ServerCallExecutorSupplier, AutoCloseable {
  /** Services audited to never block in a handler. */
  static final Set<String> NON_BLOCKING = Set.of(io.raftgcs.proto.InternalKVGcsServiceGrpc.SERVICE_NAME);

  private final ExecutorService blocking = Executors.newCachedThreadPool(new Named("gcs-api"));

  @Override
  public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
    // null = the server's own (direct) executor.
    return NON_BLOCKING.contains(call.getMethodDescriptor().getServiceName()) ? null : blocking;
  }

  @Override
  public void close() {
    blocking.shutdown();
    try {
      if (!blocking.awaitTermination(2, TimeUnit.SECONDS)) {
        blocking.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      blocking.shutdownNow();
    }
  }

  private static final class Named implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger();

    Named(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, prefix + "-" + next.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
