package io.raftgcs.server.api;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Which thread runs a call's handler. Services whose handlers never block (validate, then hand the work
 * to the proposer or the read barrier and return) run on the gRPC transport thread that decoded the
 * request, saving a thread hand-off per call; the rest (admin calls that wait on Ratis, subscription
 * set-up) keep gRPC's default executor. Stateless.
 */
public final class CallExecutors implements ServerCallExecutorSupplier {
  /** Services audited to never block in a handler. */
  static final Set<String> NON_BLOCKING = Set.of(io.raftgcs.proto.InternalKVGcsServiceGrpc.SERVICE_NAME);

  @Override
  public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
    return NON_BLOCKING.contains(call.getMethodDescriptor().getServiceName()) ? MoreExecutors.directExecutor() : null;
  }
}
