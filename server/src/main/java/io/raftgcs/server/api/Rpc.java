package io.raftgcs.server.api;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Completes a unary gRPC call from a future, mapping every failure through {@link Errors}. */
public final class Rpc {
  private final Errors errors;

  public Rpc(Errors errors) {
    this.errors = errors;
  }

  public <T> void answer(StreamObserver<T> observer, Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> f;
    try {
      f = call.get();
    } catch (RuntimeException e) {
      observer.onError(errors.toStatus(e));
      return;
    }
    f.whenComplete((v, err) -> {
      if (err != null) {
        observer.onError(errors.toStatus(err));
      } else {
        observer.onNext(v);
        observer.onCompleted();
      }
    });
  }
}
