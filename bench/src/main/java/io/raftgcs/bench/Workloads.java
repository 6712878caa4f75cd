package io.raftgcs.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** The workloads of the side-by-side table, identical for every system. */
public final class Workloads {
  public static final int CONNECTIONS = 16;
  public static final int WATCHERS = 100;

  /** Sizes and durations of one run. */
  /**
   * Sizes and durations of one run. {@code systemWarmup}: a mixed load (puts, linearizable and stale
   * gets, 64 clients) run against every system once before its first measured row, so that no system is
   * measured while its processes are still starting up (JIT compilation of the JVM-based ones, page
   * cache, connection set-up). Each row then has its own shorter {@code warmup}.
   */
  public record Plan(Duration systemWarmup, Duration warmup, Duration measure, int[] putClients,
      int[] getClients, int[] staleClients, int watchers, int failovers, int preload) {
    static Plan full() {
      return new Plan(Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofSeconds(10),
          new int[] {1, 16, 64, 256}, new int[] {1, 64, 256}, new int[] {64}, WATCHERS, 5, 10_000);
    }

    static Plan quick() {
      return new Plan(Duration.ofSeconds(12), Duration.ofSeconds(1), Duration.ofSeconds(3),
          new int[] {1, 16, 64, 256}, new int[] {1, 64, 256}, new int[] {64}, WATCHERS, 3, 5_000);
    }
  }

  private Workloads() {}

  static void log(String fmt, Object... args) {
    System.err.printf("[%tT] %s%n", System.currentTimeMillis(), String.format(fmt, args));
  }

  /**
   * Runs the wanted rows against one system. {@code firstSystem}: no system has run in this JVM yet, so
   * the load generator itself is still being compiled by its JIT; it gets a warm-up of its own first
   * (the same mixed load, not reported), so that the system measured first does not pay for it.
   */
  public static List<Result> run(Cluster cluster, Driver d, Plan plan, java.util.Set<String> rows,
      boolean firstSystem) throws Exception {
    List<Result> out = new ArrayList<>();
    String sys = d.name();
    preload(d, plan.preload());
    if (firstSystem) {
      warmUp(d, plan, "load-generator warm-up");
    }
    warmUp(d, plan, "warm-up");
    for (int c : plan.putClients()) {
      String w = "put c=" + c;
      if (wanted(rows, w)) {
        out.add(report(ClosedLoop.run(w, sys, c, plan.warmup(), plan.measure(),
            i -> d.put(i % CONNECTIONS, Keys.randomKey(Keys.KEY_SPACE), Keys.value()), "", cluster::cpuNanos)));
      }
    }
    for (int c : plan.getClients()) {
      String w = "get lin c=" + c;
      if (wanted(rows, w)) {
        out.add(report(ClosedLoop.run(w, sys, c, plan.warmup(), plan.measure(),
            i -> d.get(i % CONNECTIONS, Keys.randomKey(plan.preload()), true), d.linearizableGetNote(),
            cluster::cpuNanos)));
      }
    }
    // The peers' "get lin" rows read on every member; ours read on the leader (see RaftgcsDriver). This
    // row reads on every member too, so a follower's ReadIndex round is measured as well.
    String anyMember = "get lin-any c=64";
    if (d.linearizableReadsGoToLeader() && wanted(rows, anyMember)) {
      out.add(report(ClosedLoop.run(anyMember, sys, 64, plan.warmup(), plan.measure(),
          i -> d.getLinearizableAnyMember(i % CONNECTIONS, Keys.randomKey(plan.preload())), "ReadIndex on every member",
          cluster::cpuNanos)));
    }
    for (int c : plan.staleClients()) {
      String w = "get stale c=" + c;
      if (wanted(rows, w)) {
        out.add(report(ClosedLoop.run(w, sys, c, plan.warmup(), plan.measure(),
            i -> d.get(i % CONNECTIONS, Keys.randomKey(plan.preload()), false), "serializable/local",
            cluster::cpuNanos)));
      }
    }
    if (wanted(rows, "watch")) {
      out.add(report(watch(d, plan)));
    }
    if (wanted(rows, "failover") && plan.failovers() > 0) {
      out.add(report(failover(cluster, d, plan.failovers())));
    }
    return out;
  }

  private static boolean wanted(java.util.Set<String> rows, String w) {
    return rows == null || rows.isEmpty() || rows.contains(w) || rows.stream().anyMatch(w::startsWith);
  }

  private static Result report(Result r) {
    log("%-16s %-8s %9.0f/s  p50 %8.2f ms  p99 %8.2f ms  errors %d%s", r.workload(), r.system(),
        r.throughput(), r.p50Micros() / 1000, r.p99Micros() / 1000, r.errors(),
        Double.isNaN(r.cpuPerOpMicros()) ? ""
            : "  servers' CPU " + Table.cpuPerOp(r.cpuPerOpMicros()) + "/op, " + Table.cores(r.serverCores()) + " cores");
    return r;
  }

  /** The same mixed load for every system: a third puts, a third linearizable gets, a third stale gets. */
  static void warmUp(Driver d, Plan plan, String what) throws InterruptedException {
    if (plan.systemWarmup().isZero()) {
      return;
    }
    AtomicLong n = new AtomicLong();
    Result r = ClosedLoop.run(what, d.name(), 64, Duration.ZERO, plan.systemWarmup(), i -> {
      long k = n.getAndIncrement() % 3;
      return k == 0 ? d.put(i % CONNECTIONS, Keys.randomKey(Keys.KEY_SPACE), Keys.value())
          : d.get(i % CONNECTIONS, Keys.randomKey(plan.preload()), k == 1);
    }, "");
    log("%s: %.0f ops/s over %d s (not reported)", what, r.throughput(), plan.systemWarmup().toSeconds());
  }

  /** Writes keys 0..n-1 once (256 clients), so reads hit existing keys. */
  static void preload(Driver d, int n) throws InterruptedException {
    long t0 = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    AtomicLong errors = new AtomicLong();
    int clients = Math.min(256, n);
    CountDownLatch done = new CountDownLatch(clients);
    for (int i = 0; i < clients; i++) {
      int conn = i % CONNECTIONS;
      new Object() {
        void step() {
          int k = next.getAndIncrement();
          if (k >= n) {
            done.countDown();
            return;
          }
          d.put(conn, Keys.key(k), Keys.value()).whenComplete((r, e) -> {
            if (e != null && errors.getAndIncrement() < 1000) {
              next.decrementAndGet(); // retry later (best effort)
            }
            step();
          });
        }
      }.step();
    }
    if (!done.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("preload did not finish in 5 minutes");
    }
    log("preloaded %d keys in %.1f s (%d errors)", n, (System.nanoTime() - t0) / 1e9, errors.get());
  }

  /**
   * 100 watchers, one key each, spread over the 16 connections; one closed-loop writer updates the
   * keys round-robin with values stamped with the send time. Latency: send of the write to delivery
   * of the event at the watcher (so it includes the commit).
   */
  static Result watch(Driver d, Plan plan) throws Exception {
    int n = plan.watchers();
    byte[][] keys = new byte[n][];
    for (int i = 0; i < n; i++) {
      keys[i] = String.format("w%07d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      d.prepareWatchKey(keys[i]);
    }
    Histogram h = new ConcurrentHistogram(ClosedLoop.MAX_MICROS, 3);
    AtomicBoolean recording = new AtomicBoolean();
    AtomicLong delivered = new AtomicLong();
    List<AutoCloseable> watches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      watches.add(d.watch(i % CONNECTIONS, keys[i], v -> {
        long stamp = Keys.stamp(v);
        if (stamp != 0 && recording.get()) {
          h.recordValue(Math.min(ClosedLoop.MAX_MICROS, Math.max(0, (System.nanoTime() - stamp) / 1000)));
          delivered.incrementAndGet();
        }
      }));
    }
    Thread.sleep(1500); // let every watch register
    AtomicInteger idx = new AtomicInteger();
    Result writes = ClosedLoop.run("watch-writer", d.name(), 1, plan.warmup(), plan.measure(), i -> {
      if (!recording.get()) {
        recording.set(true);
      }
      return d.put(0, keys[Math.floorMod(idx.getAndIncrement(), n)], Keys.stampedValue());
    }, "");
    Thread.sleep(500); // late deliveries of the last writes
    recording.set(false);
    for (AutoCloseable w : watches) {
      w.close();
    }
    double secs = plan.measure().toMillis() / 1000.0;
    return Result.of("watch n=" + n, d.name(), delivered.get(), secs + plan.warmup().toMillis() / 1000.0, h,
        0, String.format("%.0f writes/s; delivered %d events", writes.throughput(), delivered.get()));
  }

  /**
   * kill -9 of the leader, then a probe write every 20 ms to the survivors (round-robin) until one is
   * acknowledged; the time from the kill to that acknowledgement. The member is restarted and the
   * cluster allowed to heal between rounds. p50 column = median, p99 column = max.
   */
  static Result failover(Cluster cluster, Driver d, int rounds) throws Exception {
    Histogram h = new ConcurrentHistogram(ClosedLoop.MAX_MICROS, 3);
    List<Long> times = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      awaitHealthy(d, Duration.ofSeconds(60));
      Thread.sleep(1000);
      int leader = d.leaderIndex();
      if (leader < 0) {
        throw new IllegalStateException(d.name() + ": no leader before failover round " + r);
      }
      int[] survivors = java.util.stream.IntStream.range(0, Cluster.MEMBERS).filter(m -> m != leader).toArray();
      CompletableFuture<Long> acked = new CompletableFuture<>();
      long t0 = System.nanoTime();
      cluster.kill9(leader);
      long killNs = System.nanoTime() - t0;
      int probe = 0;
      while (!acked.isDone() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60)) {
        int member = survivors[probe++ % survivors.length];
        d.probePut(member, Keys.randomKey(Keys.KEY_SPACE), Keys.value())
            .whenComplete((x, e) -> {
              if (e == null) {
                acked.complete(System.nanoTime());
              }
            });
        try {
          acked.get(20, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException ignored) {
          // next probe
        }
      }
      if (!acked.isDone()) {
        throw new IllegalStateException(d.name() + ": no write acknowledged within 60 s of the kill");
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(acked.get() - t0);
      times.add(ms);
      h.recordValue(ms * 1000);
      log("%s failover %d: leader m%d killed (kill+reap %.0f ms), first ack after %d ms, %d probes",
          d.name(), r + 1, leader + 1, killNs / 1e6, ms, probe);
      cluster.start(leader);
      d.memberRestarted(leader);
    }
    awaitHealthy(d, Duration.ofSeconds(60));
    long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
    double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    return new Result("failover", d.name(), Double.NaN, median * 1000, sorted[sorted.length - 1] * 1000.0, 0,
        "ms each: " + Arrays.toString(sorted) + " (p50=median, p99=max)");
  }

  static void awaitHealthy(Driver d, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (d.healthy()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(d.name() + ": not healthy within " + timeout);
  }

  static int random(int n) {
    return ThreadLocalRandom.current().nextInt(n);
  }
}
