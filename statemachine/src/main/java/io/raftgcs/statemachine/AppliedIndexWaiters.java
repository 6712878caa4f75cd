package io.raftgcs.statemachine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Futures completed once the local applied index reaches a given value (stale reads with a minimum
 * revision, read-your-writes). Completed from the apply thread; awaited from any thread.
 */
final class AppliedIndexWaiters {
  private final TreeMap<Long, List<CompletableFuture<Long>>> waiting = new TreeMap<>();
  private long applied;

  synchronized CompletableFuture<Long> await(long index) {
    if (index <= applied) {
      return CompletableFuture.completedFuture(applied);
    }
    CompletableFuture<Long> f = new CompletableFuture<>();
    waiting.computeIfAbsent(index, k -> new ArrayList<>()).add(f);
    return f;
  }

  void advance(long index) {
    List<CompletableFuture<Long>> ready = new ArrayList<>();
    synchronized (this) {
      applied = Math.max(applied, index);
      while (!waiting.isEmpty() && waiting.firstKey() <= applied) {
        Map.Entry<Long, List<CompletableFuture<Long>>> e = waiting.pollFirstEntry();
        ready.addAll(e.getValue());
      }
    }
    for (CompletableFuture<Long> f : ready) {
      f.complete(index);
    }
  }
}
