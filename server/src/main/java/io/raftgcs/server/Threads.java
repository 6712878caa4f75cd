package io.raftgcs.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon thread factories and pool shutdown for the replica's own executors. Stateless. */
public final class Threads {
  private Threads() {}

  /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
  public static ThreadFactory numberedDaemons(String prefix) {
    AtomicInteger next = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + next.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Stops {@code pool}: lets running tasks finish for up to {@code graceMs}, then interrupts what is left.
   * An interrupt of the caller while waiting also interrupts the pool, and is kept on the caller.
   */
  public static void shutdownAndWait(ExecutorService pool, long graceMs) {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(graceMs, TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
    }
  }
}
