package io.raftgcs.cli.bench;

import io.raftgcs.cli.DurationConverter;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.GcsException;
import io.raftgcs.client.NodeAgent;
import io.raftgcs.client.PlacementGroupClient;
import io.raftgcs.proto.PlacementStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gcsctl bench pgs}: placement groups per second on simulated nodes. Starts N node agents in
 * this process (one shared client, as {@code agent simulate}), then C closed-loop clients each
 * create a detached group of B one-CPU bundles, wait until it is CREATED, and remove it. Latency is
 * create → CREATED (the reply of WaitPlacementGroupUntilReady); throughput counts whole cycles
 * (create, placed, removed). The agents unregister at the end.
 */
@Command(name = "pgs", description = "Benchmark placement groups: create (detached), wait until "
    + "CREATED, remove, on N simulated nodes started in this process. Prints a human line and, "
    + "last, 'pgs_per_s=X p50_ms=Y p99_ms=Z' (latency: create until CREATED).")
public final class BenchPgsCommand extends GcsCommand {
  private static final long MAX_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(10);

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "100",
      description = "Simulated nodes to start (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--groups", paramLabel = "M", defaultValue = "1000",
      description = "Timed placement groups in total (default: ${DEFAULT-VALUE}).")
  int groups;

  @Option(names = "--bundles", paramLabel = "B", defaultValue = "1",
      description = "Bundles per group, each of 1 CPU (default: ${DEFAULT-VALUE}).")
  int bundles;

  @Option(names = "--strategy", paramLabel = "STRATEGY", defaultValue = "PACK",
      description = "PACK, SPREAD, STRICT_PACK or STRICT_SPREAD (default: ${DEFAULT-VALUE}).")
  PlacementStrategy strategy;

  @Option(names = "--clients", paramLabel = "C", defaultValue = "16",
      description = "Concurrent closed-loop clients, each with one group in its cycle "
          + "(default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--node-cpus", paramLabel = "CPUS", defaultValue = "0",
      description = "CPUs of each simulated node; 0: ample, max(64, B x C) (default).")
  double nodeCpus;

  @Option(names = "--warmup", paramLabel = "W", defaultValue = "-1",
      description = "Untimed groups first; -1: min(M/10, 100) (default).")
  int warmup;

  @Option(names = "--wait-timeout", paramLabel = "DURATION", defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long one group may take to become CREATED (default: ${DEFAULT-VALUE}).")
  Duration waitTimeout;

  @Option(names = "--heartbeat-ms", paramLabel = "MS", defaultValue = "1000",
      description = "Heartbeat period of the simulated nodes (default: ${DEFAULT-VALUE}).")
  long heartbeatMs;

  @Override
  protected int run(GcsClient client) throws InterruptedException {
    validate();
    double cpus = nodeCpus > 0 ? nodeCpus : Math.max(64, (double) bundles * clients);
    int warm = warmup >= 0 ? warmup : Math.min(groups / 10, 100);
    List<NodeAgent> agents = new ArrayList<>(nodes);
    long t0 = System.nanoTime();
    try {
      for (int i = 0; i < nodes; i++) {
        agents.add(NodeAgent.builder(client).address("127.0.0.1").name("bench-pg-" + i)
            .hostname("bench-pg-" + i).resources(Map.of("CPU", cpus))
            .heartbeatPeriod(Duration.ofMillis(heartbeatMs)).build());
      }
      List<CompletableFuture<byte[]>> starts = new ArrayList<>(nodes);
      agents.forEach(a -> starts.add(a.start()));
      try {
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new))
            .get(Math.max(60_000, root().timeoutMillis() * 3), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new GcsException(GcsException.Code.UNAVAILABLE, "could not register " + nodes
            + " simulated nodes: " + (e.getCause() != null ? e.getCause() : e));
      }
      long regMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      if (!json()) {
        out().printf(Locale.ROOT, "registered %d nodes (CPU=%s each) in %d ms%n", nodes,
            io.raftgcs.cli.nodes.NodeFormat.number(cpus), regMs);
        out().flush();
      }
      PlacementGroupClient pgs = client.placementGroups();
      List<Map<String, Double>> shape = new ArrayList<>();
      for (int i = 0; i < bundles; i++) {
        shape.add(Map.of("CPU", 1.0));
      }
      if (warm > 0) {
        phase(pgs, shape, warm, null);
      }
      Histogram h = new ConcurrentHistogram(MAX_TRACKABLE_MICROS, 3);
      long start = System.nanoTime();
      Phase p = phase(pgs, shape, groups, h);
      long elapsed = System.nanoTime() - start;
      long ok = groups - p.errors;
      double perSec = ok / (elapsed / 1e9);
      double p50 = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(50) / 1000.0;
      double p90 = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(90) / 1000.0;
      double p99 = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99) / 1000.0;
      double max = h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0;
      if (p.firstError != null) {
        err().println("gcsctl: " + p.errors + " group(s) failed; first: "
            + p.firstError.getMessage());
      }
      String human = String.format(Locale.ROOT,
          "pgs: %d groups of %d x CPU=1 (%s) by %d clients on %d nodes in %.2f s: %.1f groups/s "
              + "(create, CREATED, remove); create->CREATED ms p50=%.3f p90=%.3f p99=%.3f "
              + "max=%.3f; errors=%d",
          groups, bundles, strategy.name(), clients, nodes, elapsed / 1e9, perSec, p50, p90, p99,
          max, p.errors);
      String summary = String.format(Locale.ROOT, "pgs_per_s=%.1f p50_ms=%.3f p99_ms=%.3f",
          perSec, p50, p99);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("bench", "pgs");
      m.put("nodes", nodes);
      m.put("groups", groups);
      m.put("bundles", bundles);
      m.put("strategy", strategy.name());
      m.put("clients", clients);
      m.put("node_cpus", cpus);
      m.put("register_ms", regMs);
      m.put("elapsed_s", elapsed / 1e9);
      m.put("pgs_per_s", perSec);
      m.put("p50_ms", p50);
      m.put("p90_ms", p90);
      m.put("p99_ms", p99);
      m.put("max_ms", max);
      m.put("errors", p.errors);
      print(new Output(Output.Table.lines(List.of(human, summary)), m));
      if (p.errors == 0) {
        return ExitCodes.OK;
      }
      if (p.errors >= groups && p.firstError instanceof GcsException g) {
        return ExitCodes.of(g.code());
      }
      return ExitCodes.ERROR;
    } finally {
      stopAgents(agents);
    }
  }

  private void validate() {
    if (nodes < 1 || groups < 1 || bundles < 1 || clients < 1) {
      throw usage("--nodes, --groups, --bundles and --clients must be positive");
    }
    if (nodeCpus < 0 || heartbeatMs < 1) {
      throw usage("--node-cpus must not be negative and --heartbeat-ms must be positive");
    }
    if (waitTimeout.isZero() || waitTimeout.isNegative()) {
      throw usage("--wait-timeout must be positive");
    }
    if (strategy == PlacementStrategy.UNRECOGNIZED) {
      throw usage("--strategy: PACK, SPREAD, STRICT_PACK or STRICT_SPREAD");
    }
    if (strategy == PlacementStrategy.STRICT_SPREAD && bundles > nodes) {
      throw usage("STRICT_SPREAD needs at least as many nodes as bundles (" + bundles + " > "
          + nodes + ")");
    }
    if (strategy == PlacementStrategy.STRICT_PACK && nodeCpus > 0 && bundles > nodeCpus) {
      throw usage("STRICT_PACK needs a node with " + bundles + " CPUs; --node-cpus is "
          + nodeCpus);
    }
  }

  private record Phase(long errors, Throwable firstError) {}

  /** Runs {@code count} create/wait/remove cycles over the closed-loop clients. */
  private Phase phase(PlacementGroupClient pgs, List<Map<String, Double>> shape, int count,
      Histogram latencies) throws InterruptedException {
    AtomicInteger claimed = new AtomicInteger();
    AtomicLong errors = new AtomicLong();
    AtomicReference<Throwable> firstError = new AtomicReference<>();
    int loops = Math.min(clients, count);
    CountDownLatch done = new CountDownLatch(loops);
    for (int i = 0; i < loops; i++) {
      new Loop(pgs, shape, count, latencies, claimed, errors, firstError, done).next();
    }
    done.await();
    return new Phase(errors.get(), firstError.get());
  }

  /** One closed-loop client: its next cycle starts when the previous one completed. */
  private final class Loop {
    final PlacementGroupClient pgs;
    final List<Map<String, Double>> shape;
    final int count;
    final Histogram latencies;
    final AtomicInteger claimed;
    final AtomicLong errors;
    final AtomicReference<Throwable> firstError;
    final CountDownLatch done;

    Loop(PlacementGroupClient pgs, List<Map<String, Double>> shape, int count,
        Histogram latencies, AtomicInteger claimed, AtomicLong errors,
        AtomicReference<Throwable> firstError, CountDownLatch done) {
      this.pgs = pgs;
      this.shape = shape;
      this.count = count;
      this.latencies = latencies;
      this.claimed = claimed;
      this.errors = errors;
      this.firstError = firstError;
      this.done = done;
    }

    void next() {
      if (claimed.getAndIncrement() >= count) {
        done.countDown();
        return;
      }
      byte[] id = PlacementGroupClient.randomId();
      long start = System.nanoTime();
      CompletableFuture<?> cycle;
      try {
        cycle = pgs.createAsync(PlacementGroupClient.spec(id, shape, strategy, "", "", true,
                null, null))
            .thenCompose(rev -> pgs.waitUntilReadyAsync(id, waitTimeout))
            .thenAccept(g -> {
              if (latencies != null) {
                latencies.recordValue(Math.min(MAX_TRACKABLE_MICROS,
                    TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start)));
              }
            })
            // Removed also after a failure, so a failed group does not hold capacity.
            .handle((v, e) -> pgs.removeAsync(id).handle((r, re) -> {
              Throwable t = e != null ? e : re;
              if (t != null) {
                throw new java.util.concurrent.CompletionException(unwrap(t));
              }
              return null;
            }))
            .thenCompose(f -> f);
      } catch (RuntimeException e) {
        cycle = CompletableFuture.failedFuture(e);
      }
      cycle.whenComplete((r, e) -> {
        if (e != null) {
          errors.incrementAndGet();
          firstError.compareAndSet(null, unwrap(e));
        }
        next();
      });
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private void stopAgents(List<NodeAgent> agents) {
    List<CompletableFuture<Void>> closes = new ArrayList<>(agents.size());
    agents.forEach(a -> closes.add(a.closeAsync()));
    try {
      CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new))
          .get(root().timeoutMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      err().println("gcsctl: some simulated nodes could not be unregistered; the cluster will "
          + "declare them dead when their heartbeats stop");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private CommandLine.ParameterException usage(String msg) {
    return new CommandLine.ParameterException(spec.commandLine(), msg);
  }
}
