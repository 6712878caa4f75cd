package io.raftgcs.client;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waits for an async call on the caller's thread and rethrows its failure there. */
final class Blocking {
  private Blocking() {}

  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new GcsException(GcsException.Code.CANCELLED, "interrupted", true, e);
    } catch (CancellationException e) {
      throw new GcsException(GcsException.Code.CANCELLED, "cancelled", true, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof GcsException g) {
        throw g.rethrownHere();
      }
      throw new GcsException(GcsException.Code.INTERNAL, String.valueOf(cause), false, cause);
    }
  }
}
