package io.raftgcs.server.api;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.raftgcs.proto.ActorInfoGcsServiceGrpc;
import io.raftgcs.proto.AdminServiceGrpc;
import io.raftgcs.proto.InternalKVGcsServiceGrpc;
import io.raftgcs.proto.PubsubGcsServiceGrpc;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Which calls stay on the transport thread (the audited KV service) and which move to the blocking pool. */
class CallExecutorsTest {
  @Test
  void kvCallsStayOnTheTransportThreadAndEverythingElseMovesToThePool() throws Exception {
    try (CallExecutors executors = new CallExecutors()) {
      assertNull(executors.getExecutor(call(InternalKVGcsServiceGrpc.getInternalKVPutMethod()), new Metadata()));
      assertNull(executors.getExecutor(call(InternalKVGcsServiceGrpc.getInternalKVGetMethod()), new Metadata()));
      for (MethodDescriptor<?, ?> m : new MethodDescriptor<?, ?>[] {AdminServiceGrpc.getGetStatusMethod(),
          ActorInfoGcsServiceGrpc.getGetAllActorInfoMethod(), PubsubGcsServiceGrpc.getSubscribeMethod()}) {
        Executor e = executors.getExecutor(call(m), new Metadata());
        assertNotNull(e, m.getFullMethodName());
        CompletableFuture<String> thread = new CompletableFuture<>();
        e.execute(() -> thread.complete(Thread.currentThread().getName()));
        assertTrue(thread.get(5, TimeUnit.SECONDS).startsWith("gcs-api-"), m.getFullMethodName());
      }
    }
  }

  @Test
  void closeStopsThePool() {
    CallExecutors executors = new CallExecutors();
    Executor e = executors.getExecutor(call(AdminServiceGrpc.getGetStatusMethod()), new Metadata());
    executors.close();
    assertThrows(RejectedExecutionException.class, () -> e.execute(() -> {}));
  }

  private static <Q, R> ServerCall<Q, R> call(MethodDescriptor<Q, R> method) {
    return new ServerCall<>() {
      @Override
      public void request(int numMessages) {}

      @Override
      public void sendHeaders(Metadata headers) {}

      @Override
      public void sendMessage(R message) {}

      @Override
      public void close(Status status, Metadata trailers) {}

      @Override
      public boolean isCancelled() {
        return false;
      }

      @Override
      public Attributes getAttributes() {
        return Attributes.EMPTY;
      }

      @Override
      public MethodDescriptor<Q, R> getMethodDescriptor() {
        return method;
      }
    };
  }
}
