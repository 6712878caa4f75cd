package io.raftgcs.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * N closed-loop clients, each with exactly one request in flight: the next request is issued when
 * the previous one completes. Runs a warm-up, then a measured window; only requests issued inside
 * the window are counted. Loops advance on the systems' callback threads.
 */
public final class ClosedLoop {
  static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(5);
  private static final ExecutorService TRAMPOLINE = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "bench-trampoline");
    t.setDaemon(true);
    return t;
  });

  private ClosedLoop() {}

  /** {@code op} receives the client number (0..clients-1). */
  public static Result run(String workload, String system, int clients, Duration warmup,
      Duration measure, IntFunction<CompletableFuture<?>> op, String note) throws InterruptedException {
    return run(workload, system, clients, warmup, measure, op, note, null);
  }

  /**
   * As above; {@code serverCpuNanos}, if given, is the CPU the system's servers have used so far (-1 if
   * unknown), read at the start and the end of the measured window for the row's CPU columns.
   */
  public static Result run(String workload, String system, int clients, Duration warmup,
      Duration measure, IntFunction<CompletableFuture<?>> op, String note, LongSupplier serverCpuNanos)
      throws InterruptedException {
    Histogram h = new ConcurrentHistogram(MAX_MICROS, 3);
    AtomicLong ops = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<Throwable> firstError = new AtomicReference<>();
    State s = new State();
    CountDownLatch stopped = new CountDownLatch(clients);
    for (int i = 0; i < clients; i++) {
      new Loop(i, op, s, h, ops, errors, firstError, stopped).next();
    }
    Thread.sleep(warmup.toMillis());
    long cpuStart = serverCpuNanos == null ? -1 : serverCpuNanos.getAsLong();
    s.windowStart = System.nanoTime();
    s.recording = true;
    Thread.sleep(measure.toMillis());
    s.windowEnd = System.nanoTime();
    long cpuEnd = serverCpuNanos == null ? -1 : serverCpuNanos.getAsLong();
    s.running = false;
    if (!stopped.await(30, TimeUnit.SECONDS)) {
      System.err.printf("  [%s %s] %d clients still in flight after 30 s%n", workload, system,
          stopped.getCount());
    }
    double secs = (s.windowEnd - s.windowStart) / 1e9;
    if (firstError.get() != null) {
      System.err.printf("  [%s %s] %d errors, first: %s%n", workload, system, errors.get(),
          firstError.get());
    }
    Result r = Result.of(workload, system, ops.get(), secs, h, errors.get(), note);
    return cpuStart < 0 || cpuEnd < cpuStart ? r : r.withServerCpu(cpuEnd - cpuStart, ops.get(), secs);
  }

  private static final class State {
    volatile boolean running = true;
    volatile boolean recording;
    volatile long windowStart;
    volatile long windowEnd;
  }

  private record Loop(int client, IntFunction<CompletableFuture<?>> op, State s, Histogram h,
      AtomicLong ops, AtomicLong errors, AtomicReference<Throwable> firstError,
      CountDownLatch stopped) {

    void next() {
      if (!s.running) {
        stopped.countDown();
        return;
      }
      final boolean counted = s.recording;
      final long start = System.nanoTime();
      CompletableFuture<?> f;
      try {
        f = op.apply(client);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      boolean sync = f.isDone();
      java.util.function.BiConsumer<Object, Throwable> done = (r, e) -> {
        long end = System.nanoTime();
        if (counted) {
          if (e == null) {
            ops.incrementAndGet();
            h.recordValue(Math.min(MAX_MICROS, (end - start) / 1000));
          } else {
            errors.incrementAndGet();
            firstError.compareAndSet(null, e);
          }
        }
        if (e != null) {
          // Do not spin on a failing system.
          try {
            Thread.sleep(5);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
        }
        next();
      };
      if (sync) {
        f.whenCompleteAsync(done, TRAMPOLINE); // no unbounded recursion on synchronous completion
      } else {
        f.whenComplete(done);
      }
    }
  }
}
