package io.raftgcs.bench;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Unary gRPC call on an async stub, as a CompletableFuture. */
final class Grpc {
  private Grpc() {}

  static <T> CompletableFuture<T> unary(Consumer<StreamObserver<T>> call) {
    CompletableFuture<T> f = new CompletableFuture<>();
    call.accept(new StreamObserver<T>() {
      @Override
      public void onNext(T value) {
        f.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        f.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        if (!f.isDone()) {
          f.completeExceptionally(new IllegalStateException("no reply"));
        }
      }
    });
    return f;
  }
}
