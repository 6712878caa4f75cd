package io.raftgcs.client;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/** Turns a NOT_FOUND answer into an empty Optional; other failures pass through. */
final class NotFound {
  private NotFound() {}

  static <R, T> CompletableFuture<Optional<T>> asEmpty(CompletableFuture<R> f,
      Function<R, Optional<T>> onReply) {
    return f.handle((r, e) -> {
      if (e == null) {
        return onReply.apply(r);
      }
      Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (c instanceof GcsException g && g.code() == GcsException.Code.NOT_FOUND) {
        return Optional.<T>empty();
      }
      throw c instanceof RuntimeException re ? re : new CompletionException(c);
    });
  }
}
