package io.raftgcs.cli.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.raftgcs.cli.DurationConverter;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.GcsException;
import io.raftgcs.client.MemberReport;
import io.raftgcs.client.SubscribeOptions;
import io.raftgcs.client.Subscription;
import io.raftgcs.proto.Event;
import io.raftgcs.proto.EventBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gcsctl bench watch}: event delivery latency with N subscribers spread over the replicas,
 * and what they cost the writer. The writer runs twice: first with no subscriber (baseline), then
 * with N KV-prefix subscriptions attached round-robin to the members. Delivery latency is measured
 * per (subscriber, write) as receipt time minus the put's acknowledgement time (commit to receipt,
 * as the client sees the commit; a receipt before the acknowledgement counts as 0) and minus its
 * send time.
 */
@Command(name = "watch", description = "Event delivery latency (commit to receipt) with N "
    + "subscribers spread over all replicas, and write throughput with and without them. Last "
    + "line: subscribers=N deliveries=D p50_ms=X p99_ms=Y write_per_s=W baseline_write_per_s=B.")
public final class BenchWatchCommand extends GcsCommand {
  private static final long MAX_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(10);

  @Option(names = "--subscribers", paramLabel = "N", defaultValue = "100",
      description = "Subscriptions (default: ${DEFAULT-VALUE}).")
  int subscribers;

  @Option(names = "--writes", paramLabel = "M", defaultValue = "2000",
      description = "Puts per writer run (default: ${DEFAULT-VALUE}).")
  int writes;

  @Option(names = "--rate", paramLabel = "R", defaultValue = "0",
      description = "Puts per second (open loop, paced); 0: as fast as --writers closed-loop "
          + "writers go (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--writers", paramLabel = "W", defaultValue = "8",
      description = "Puts in flight at most (default: ${DEFAULT-VALUE}).")
  int writers;

  @Option(names = "--value-size", paramLabel = "BYTES", defaultValue = "64",
      description = "Value size (default: ${DEFAULT-VALUE}).")
  int valueSize;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "bench",
      description = "KV namespace (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long to wait for every delivery after the last write "
          + "(default: ${DEFAULT-VALUE}).")
  Duration drainTimeout;

  @Override
  protected int run(GcsClient client) throws Exception {
    if (subscribers < 0 || writes < 1 || writers < 1 || rate < 0 || valueSize < 0) {
      throw usage("--writes and --writers must be positive; --subscribers, --rate and "
          + "--value-size must not be negative");
    }
    boolean json = json();
    // Every member: the ones that answered, and the ones their member lists name (a replica slow
    // to answer a status probe still serves subscriptions; an unreachable one is skipped by the
    // subscription itself).
    List<String> replicas = new ArrayList<>();
    for (MemberReport r : client.admin().statusAll()) {
      if (r.status().isPresent()) {
        String api = r.status().get().getApiAddress();
        String ep = api.isEmpty() ? r.endpoint() : api;
        if (!replicas.contains(ep)) {
          replicas.add(ep);
        }
        r.status().get().getMembersList().forEach(m -> {
          if (!m.getApiAddress().isEmpty() && !replicas.contains(m.getApiAddress())) {
            replicas.add(m.getApiAddress());
          }
        });
      }
    }
    if (replicas.isEmpty()) {
      throw new GcsException(GcsException.Code.UNAVAILABLE, "no replica answered");
    }
    String run = "watch-bench/" + Long.toHexString(System.nanoTime()) + "/";
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-watch-pacer");
      t.setDaemon(true);
      return t;
    });
    try (GcsClient subClient = newClient()) {
      // 1. Baseline: the writer alone.
      WriteRun base = write(client, pacer, run + "base/", null, null);
      if (!json) {
        out().printf(Locale.ROOT, "baseline: %d puts in %.2f s: %.1f puts/s, errors=%d%n", writes,
            base.elapsedNanos / 1e9, base.perSecond(), base.errors);
        out().flush();
      }
      // 2. N subscriptions, round-robin over the replicas, all started before the writes.
      String prefix = run + "live/";
      long[] sendNanos = new long[writes];
      AtomicLongArray ackNanos = new AtomicLongArray(writes);
      Histogram commitToReceipt = new ConcurrentHistogram(MAX_TRACKABLE_MICROS, 3);
      Histogram sendToReceipt = new ConcurrentHistogram(MAX_TRACKABLE_MICROS, 3);
      ConcurrentLinkedQueue<long[]> early = new ConcurrentLinkedQueue<>();
      AtomicLong deliveries = new AtomicLong();
      long expected = (long) subscribers * writes;
      CountDownLatch all = new CountDownLatch(1);
      List<Subscription> subs = new ArrayList<>(subscribers);
      Map<String, Integer> perReplica = new LinkedHashMap<>();
      long tSub = System.nanoTime();
      try {
        for (int i = 0; i < subscribers; i++) {
          String ep = replicas.get(i % replicas.size());
          perReplica.merge(ep, 1, Integer::sum);
          subs.add(subClient.subscribe(SubscribeOptions.kvPrefix(namespace, prefix)
              .preferring(ep), new Subscription.Listener() {
                @Override
                public void onEvents(EventBatch batch) {
                  long now = System.nanoTime();
                  for (Event e : batch.getEventsList()) {
                    int idx = index(e, prefix);
                    if (idx < 0 || idx >= writes) {
                      continue;
                    }
                    long sent;
                    synchronized (sendNanos) {
                      sent = sendNanos[idx];
                    }
                    if (sent != 0) {
                      sendToReceipt.recordValue(micros(now - sent));
                    }
                    long ack = ackNanos.get(idx);
                    if (ack != 0) {
                      commitToReceipt.recordValue(micros(Math.max(0, now - ack)));
                    } else {
                      early.add(new long[] {idx, now});
                    }
                    if (deliveries.incrementAndGet() == expected) {
                      all.countDown();
                    }
                  }
                }
              }));
        }
        for (Subscription s : subs) {
          s.started().get(30, TimeUnit.SECONDS);
        }
        if (!json) {
          out().printf("%d subscriptions started in %d ms over %s%n", subscribers,
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - tSub), perReplica);
          out().flush();
        }
        // 3. The same writer with the subscribers attached.
        WriteRun live = write(client, pacer, prefix, sendNanos, ackNanos);
        boolean complete = expected == 0
            || all.await(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        for (long[] x : early) {
          long ack = ackNanos.get((int) x[0]);
          commitToReceipt.recordValue(ack == 0 ? 0 : micros(Math.max(0, x[1] - ack)));
        }
        long d = deliveries.get();
        double p50 = commitToReceipt.getValueAtPercentile(50) / 1000.0;
        double p99 = commitToReceipt.getValueAtPercentile(99) / 1000.0;
        double s50 = sendToReceipt.getValueAtPercentile(50) / 1000.0;
        double s99 = sendToReceipt.getValueAtPercentile(99) / 1000.0;
        long reconnects = subs.stream().mapToLong(Subscription::reconnects).sum();
        String human = String.format(Locale.ROOT,
            "watch: %d subscribers over %d replicas, %d puts in %.2f s: %.1f puts/s (baseline "
                + "%.1f, %.1f%%); deliveries %d of %d%s; commit->receipt ms p50=%.3f p90=%.3f "
                + "p99=%.3f max=%.3f; send->receipt ms p50=%.3f p99=%.3f; reconnects=%d; "
                + "errors=%d",
            subscribers, replicas.size(), writes, live.elapsedNanos / 1e9, live.perSecond(),
            base.perSecond(), 100.0 * live.perSecond() / base.perSecond(), d, expected,
            complete ? "" : " (INCOMPLETE after " + drainTimeout.toMillis() + " ms)", p50,
            commitToReceipt.getValueAtPercentile(90) / 1000.0, p99,
            commitToReceipt.getMaxValue() / 1000.0, s50, s99, reconnects,
            base.errors + live.errors);
        String last = String.format(Locale.ROOT, "subscribers=%d deliveries=%d p50_ms=%.3f "
            + "p99_ms=%.3f write_per_s=%.1f baseline_write_per_s=%.1f", subscribers, d, p50, p99,
            live.perSecond(), base.perSecond());
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("bench", "watch");
        j.put("subscribers", subscribers);
        j.put("replicas", replicas.size());
        j.put("writes", writes);
        j.put("deliveries", d);
        j.put("expected_deliveries", expected);
        j.put("p50_ms", p50);
        j.put("p90_ms", commitToReceipt.getValueAtPercentile(90) / 1000.0);
        j.put("p99_ms", p99);
        j.put("max_ms", commitToReceipt.getMaxValue() / 1000.0);
        j.put("send_p50_ms", s50);
        j.put("send_p99_ms", s99);
        j.put("write_per_s", live.perSecond());
        j.put("baseline_write_per_s", base.perSecond());
        j.put("reconnects", reconnects);
        j.put("errors", base.errors + live.errors);
        print(new Output(Output.Table.lines(List.of(human, last)), j));
        if (live.firstError.get() != null || base.firstError.get() != null) {
          Throwable e = live.firstError.get() != null ? live.firstError.get()
              : base.firstError.get();
          err().println("gcsctl: " + (base.errors + live.errors) + " put(s) failed; first: "
              + e.getMessage());
          return ExitCodes.ERROR;
        }
        if (!complete) {
          err().println("gcsctl: only " + d + " of " + expected + " deliveries arrived");
          return ExitCodes.ERROR;
        }
        return ExitCodes.OK;
      } finally {
        subs.forEach(Subscription::close);
      }
    } finally {
      pacer.shutdownNow();
    }
  }

  private static long micros(long nanos) {
    return Math.min(MAX_TRACKABLE_MICROS, TimeUnit.NANOSECONDS.toMicros(Math.max(0, nanos)));
  }

  /** The write index encoded in the key after the prefix, or -1. */
  private static int index(Event e, String prefix) {
    String k = e.getKey().toString(UTF_8);
    if (!k.startsWith(prefix)) {
      return -1;
    }
    try {
      return Integer.parseInt(k.substring(prefix.length()));
    } catch (NumberFormatException ex) {
      return -1;
    }
  }

  /** One writer run's outcome. */
  private static final class WriteRun {
    int count;
    long elapsedNanos;
    long errors;
    final AtomicReference<Throwable> firstError = new AtomicReference<>();

    double perSecond() {
      return count / (elapsedNanos / 1e9);
    }
  }

  /**
   * {@code writes} puts of keys {@code prefix + i}: at most {@code writers} in flight, paced to
   * {@code rate} per second if set. Records each put's send and acknowledgement times if asked.
   */
  private WriteRun write(GcsClient client, ScheduledExecutorService pacer, String prefix,
      long[] sendNanos, AtomicLongArray ackNanos) throws InterruptedException {
    WriteRun r = new WriteRun();
    r.count = writes;
    byte[] value = new byte[valueSize];
    AtomicInteger claimed = new AtomicInteger();
    AtomicLong errors = new AtomicLong();
    int loops = Math.min(writers, writes);
    CountDownLatch done = new CountDownLatch(loops);
    long t0 = System.nanoTime();
    for (int i = 0; i < loops; i++) {
      new Object() {
        void next() {
          int idx = claimed.getAndIncrement();
          if (idx >= writes) {
            done.countDown();
            return;
          }
          long delay = rate > 0 ? t0 + (long) (idx * 1e9 / rate) - System.nanoTime() : 0;
          if (delay > 0) {
            pacer.schedule(() -> send(idx), delay, TimeUnit.NANOSECONDS);
          } else {
            send(idx);
          }
        }

        void send(int idx) {
          byte[] key = (prefix + idx).getBytes(UTF_8);
          long start = System.nanoTime();
          if (sendNanos != null) {
            synchronized (sendNanos) {
              sendNanos[idx] = start;
            }
          }
          CompletableFuture<Boolean> f;
          try {
            f = client.kv().putAsync(namespace, key, value, true);
          } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
          }
          f.whenComplete((ok, e) -> {
            if (e == null && ackNanos != null) {
              ackNanos.set(idx, System.nanoTime());
            }
            if (e != null) {
              errors.incrementAndGet();
              r.firstError.compareAndSet(null, AbstractBenchCommand.unwrap(e));
            }
            next();
          });
        }
      }.next();
    }
    done.await();
    r.elapsedNanos = System.nanoTime() - t0;
    r.errors = errors.get();
    return r;
  }

  private CommandLine.ParameterException usage(String msg) {
    return new CommandLine.ParameterException(spec.commandLine(), msg);
  }
}
