package io.raftgcs.cli.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Runs N closed-loop clients over an async operation: each client issues its next operation when
 * the previous one completes, so exactly N are in flight. Loops advance on gRPC callback threads;
 * the calling thread only waits.
 */
final class BenchRunner {
  private static final long MAX_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(10);

  private BenchRunner() {}

  static BenchResult run(String name, int clients, int ops,
      Supplier<CompletableFuture<?>> op) throws InterruptedException {
    int warmup = Math.min(ops / 10, 500);
    if (warmup > 0) {
      phase(clients, warmup, op, null, new AtomicReference<>());
    }
    Histogram h = new ConcurrentHistogram(MAX_TRACKABLE_MICROS, 3);
    long t0 = System.nanoTime();
    AtomicReference<Throwable> firstError = new AtomicReference<>();
    long errors = phase(clients, ops, op, h, firstError);
    long elapsed = System.nanoTime() - t0;
    return new BenchResult(name, ops, clients, elapsed, errors, firstError.get(), h);
  }

  /** Runs {@code ops} operations over {@code clients} loops; returns the number that failed. */
  private static long phase(int clients, int ops, Supplier<CompletableFuture<?>> op,
      Histogram latencies, AtomicReference<Throwable> firstError) throws InterruptedException {
    AtomicInteger claimed = new AtomicInteger();
    AtomicLong errors = new AtomicLong();
    int loops = Math.min(clients, ops);
    CountDownLatch done = new CountDownLatch(loops);
    for (int i = 0; i < loops; i++) {
      new Loop(ops, op, latencies, claimed, errors, firstError, done).next();
    }
    done.await();
    return errors.get();
  }

  private record Loop(int ops, Supplier<CompletableFuture<?>> op, Histogram latencies,
      AtomicInteger claimed, AtomicLong errors, AtomicReference<Throwable> firstError,
      CountDownLatch done) {

    void next() {
      if (claimed.getAndIncrement() >= ops) {
        done.countDown();
        return;
      }
      long start = System.nanoTime();
      CompletableFuture<?> f;
      try {
        f = op.get();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((r, e) -> {
        if (latencies != null) {
          latencies.recordValue(Math.min(MAX_TRACKABLE_MICROS,
              TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start)));
        }
        if (e != null) {
          errors.incrementAndGet();
          firstError.compareAndSet(null, AbstractBenchCommand.unwrap(e));
        }
        next();
      });
    }
  }
}
