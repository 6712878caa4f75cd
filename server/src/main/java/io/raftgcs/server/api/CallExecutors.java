package io.raftgcs.server.api;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.raftgcs.server.Threads;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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

  private final ExecutorService blocking = Executors.newCachedThreadPool(Threads.numberedDaemons("gcs-api"));

  @Override
  public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
    // null = the server's own (direct) executor.
    return NON_BLOCKING.contains(call.getMethodDescriptor().getServiceName()) ? null : blocking;
  }

  @Override
  public void close() {
    Threads.shutdownAndWait(blocking, 2_000);
  }
}
