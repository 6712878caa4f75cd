package io.raftgcs.cli.bench;

import com.google.protobuf.ByteString;
import io.raftgcs.cli.DurationConverter;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.output.Output;
import io.raftgcs.client.ActorHosting;
import io.raftgcs.client.AssignmentFeed;
import io.raftgcs.client.ActorQuery;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.GcsException;
import io.raftgcs.client.NodeAgent;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import java.security.SecureRandom;
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
 * {@code gcsctl bench actors}: N simulated nodes in this process start the actors placed on them;
 * C closed-loop clients register and create M actors (1 CPU each), each waiting until its actor
 * is ALIVE (CreateActor with wait_until_settled). Measures RegisterActor → ALIVE per actor.
 */
@Command(name = "actors", description = "Start N simulated nodes in this process, then register "
    + "and create M actors (1 CPU each) through C closed-loop clients, each waiting until its "
    + "actor is ALIVE; report actors/s and register→ALIVE latency. The nodes are unregistered at "
    + "the end (their actors die with them). Last line: actors_per_s=X p50_ms=Y p99_ms=Z.")
public final class BenchActorsCommand extends GcsCommand {
  private static final long MAX_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(10);

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "10",
      description = "Simulated nodes (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--actors", paramLabel = "M", defaultValue = "1000",
      description = "Actors to create (default: ${DEFAULT-VALUE}).")
  int actors;

  @Option(names = "--clients", paramLabel = "C", defaultValue = "64",
      description = "Concurrent closed-loop clients, each with one actor in flight "
          + "(default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--cpus-per-node", paramLabel = "CPUS", defaultValue = "0",
      description = "CPUs of each node; 0: M/N + 1, enough for every actor (default: "
          + "${DEFAULT-VALUE}).")
  double cpusPerNode;

  @Option(names = "--actor-start-ms", paramLabel = "MS", defaultValue = "0",
      description = "Simulated worker start time per actor (default: ${DEFAULT-VALUE}).")
  long actorStartMs;

  @Option(names = "--heartbeat-ms", paramLabel = "MS", defaultValue = "1000",
      description = "Heartbeat period of the nodes (default: ${DEFAULT-VALUE}).")
  long heartbeatMs;

  @Option(names = "--wait-timeout", paramLabel = "DURATION", defaultValue = "120s",
      converter = DurationConverter.class,
      description = "How long one CreateActor may wait for its actor to settle, and how long "
          + "the nodes get to register (default: ${DEFAULT-VALUE}).")
  Duration waitTimeout;

  @Option(names = "--class-name", paramLabel = "NAME", defaultValue = "BenchActor",
      description = "Class name of the actors (default: ${DEFAULT-VALUE}).")
  String className;

  @Override
  protected int run(GcsClient client) throws Exception {
    if (nodes < 1 || actors < 1 || clients < 1) {
      throw usage("--nodes, --actors and --clients must be positive");
    }
    if (cpusPerNode < 0 || heartbeatMs < 1 || actorStartMs < 0) {
      throw usage("--cpus-per-node and --actor-start-ms must not be negative, --heartbeat-ms "
          + "must be positive");
    }
    double cpus = cpusPerNode > 0 ? cpusPerNode : actors / nodes + 1;
    boolean json = json();
    List<NodeAgent> agents = new ArrayList<>(nodes);
    try (GcsClient agentClient = newClient();
        AssignmentFeed feed = AssignmentFeed.start(agentClient)) {
      try {
        long t0 = System.nanoTime();
        List<CompletableFuture<byte[]>> starts = new ArrayList<>();
        String run = Long.toHexString(System.currentTimeMillis() & 0xffffffL);
        for (int i = 0; i < nodes; i++) {
          NodeAgent a = NodeAgent.builder(agentClient).address("127.0.0.1")
              .name("bench-" + run + "-" + i).hostname("bench-" + i)
              .resources(Map.of("CPU", cpus))
              .heartbeatPeriod(Duration.ofMillis(heartbeatMs))
              .hostActors(new ActorHosting(Duration.ofMillis(actorStartMs), 0, feed)).build();
          agents.add(a);
          starts.add(a.start());
        }
        try {
          CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new))
              .get(waitTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          throw new GcsException(GcsException.Code.UNAVAILABLE, "the " + nodes
              + " nodes did not all register in " + waitTimeout.toMillis() + " ms: " + e);
        }
        if (!json) {
          out().printf("%d nodes with CPU=%s registered in %d ms%n", nodes,
              io.raftgcs.cli.nodes.NodeFormat.number(cpus),
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
          out().flush();
        }
        return measure(client, agents);
      } finally {
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        agents.forEach(a -> closes.add(a.closeAsync()));
        try {
          CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new))
              .get(root().timeoutMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          err().println("gcsctl: not every simulated node could be unregistered: " + e);
        }
      }
    }
  }

  private int measure(GcsClient client, List<NodeAgent> agents) throws InterruptedException {
    byte[] jobId = new byte[4];
    SecureRandom rnd = new SecureRandom();
    rnd.nextBytes(jobId);
    Histogram h = new ConcurrentHistogram(MAX_TRACKABLE_MICROS, 3);
    AtomicInteger claimed = new AtomicInteger();
    AtomicLong errors = new AtomicLong();
    AtomicReference<Throwable> firstError = new AtomicReference<>();
    int loops = Math.min(clients, actors);
    CountDownLatch done = new CountDownLatch(loops);
    long t0 = System.nanoTime();
    for (int i = 0; i < loops; i++) {
      new Loop(client, jobId, h, claimed, errors, firstError, done).next();
    }
    done.await();
    long elapsed = System.nanoTime() - t0;
    long ok = actors - errors.get();
    double perSec = ok / (elapsed / 1e9);
    double p50 = h.getValueAtPercentile(50) / 1000.0;
    double p90 = h.getValueAtPercentile(90) / 1000.0;
    double p99 = h.getValueAtPercentile(99) / 1000.0;
    double max = h.getMaxValue() / 1000.0;
    long alive = -1; // cross-checks: this run's actors ALIVE now, and any restarted (budget 0)
    long restarted = -1;
    try {
      io.raftgcs.client.ActorList l = client.actors().getAllActorInfo(ActorQuery.all()
          .jobId(jobId).limit(actors));
      alive = l.actors().stream().filter(a -> a.getState() == ActorState.ALIVE).count();
      restarted = l.actors().stream().filter(a -> a.getNumRestarts() > 0).count();
    } catch (GcsException e) {
      // only a cross-check
    }
    // Agent side: every placement a node started, and how many of those starts the cluster turned
    // down as stale (the placement had moved on). Started minus stale is what took effect; with
    // max_restarts=0 that must equal the ALIVE actors, or an actor ran twice.
    long started = agents.stream().mapToLong(NodeAgent::actorsStarted).sum();
    long stale = agents.stream().mapToLong(NodeAgent::staleActorReports).sum();
    if (firstError.get() != null) {
      err().println("gcsctl: " + errors.get() + " actor(s) did not become ALIVE; first: "
          + firstError.get().getMessage());
    }
    String human = String.format(Locale.ROOT,
        "actors: %d actors on %d nodes by %d clients in %.2f s: %.1f actors/s; register->ALIVE "
            + "ms p50=%.3f p90=%.3f p99=%.3f max=%.3f; errors=%d; alive now=%d; restarted=%d; "
            + "agents started %d placements (%d stale)",
        actors, nodes, loops, elapsed / 1e9, perSec, p50, p90, p99, max, errors.get(), alive,
        restarted, started, stale);
    String last = String.format(Locale.ROOT, "actors_per_s=%.1f p50_ms=%.3f p99_ms=%.3f", perSec,
        p50, p99);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("bench", "actors");
    json.put("nodes", nodes);
    json.put("actors", actors);
    json.put("clients", loops);
    json.put("elapsed_s", elapsed / 1e9);
    json.put("actors_per_s", perSec);
    json.put("p50_ms", p50);
    json.put("p90_ms", p90);
    json.put("p99_ms", p99);
    json.put("max_ms", max);
    json.put("errors", errors.get());
    json.put("alive", alive);
    json.put("restarted", restarted);
    json.put("placements_started", started);
    json.put("placements_stale", stale);
    print(new Output(Output.Table.lines(List.of(human, last)), json));
    if (errors.get() == 0) {
      return ExitCodes.OK;
    }
    if (errors.get() >= actors && firstError.get() instanceof GcsException g) {
      return ExitCodes.of(g.code());
    }
    return ExitCodes.ERROR;
  }

  /** One closed-loop client: register, create and wait until settled, then the next actor. */
  private final class Loop {
    final GcsClient client;
    final byte[] jobId;
    final Histogram h;
    final AtomicInteger claimed;
    final AtomicLong errors;
    final AtomicReference<Throwable> firstError;
    final CountDownLatch done;

    Loop(GcsClient client, byte[] jobId, Histogram h, AtomicInteger claimed, AtomicLong errors,
        AtomicReference<Throwable> firstError, CountDownLatch done) {
      this.client = client;
      this.jobId = jobId;
      this.h = h;
      this.claimed = claimed;
      this.errors = errors;
      this.firstError = firstError;
      this.done = done;
    }

    void next() {
      if (claimed.getAndIncrement() >= actors) {
        done.countDown();
        return;
      }
      byte[] actorId = new byte[16];
      java.util.concurrent.ThreadLocalRandom.current().nextBytes(actorId);
      ActorTableData spec = ActorTableData.newBuilder().setActorId(ByteString.copyFrom(actorId))
          .setJobId(ByteString.copyFrom(jobId)).setClassName(className)
          .putRequiredResources("CPU", 1.0).setMaxRestarts(0).build();
      long start = System.nanoTime();
      CompletableFuture<ActorTableData> f;
      try {
        f = client.actors().registerActorAsync(spec)
            .thenCompose(rev -> client.actors().createActorAsync(actorId, true, waitTimeout));
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((a, e) -> {
        Throwable err = e != null ? AbstractBenchCommand.unwrap(e)
            : a.getState() != ActorState.ALIVE ? new IllegalStateException("actor "
                + io.raftgcs.client.NodeIds.hex(actorId) + " settled " + a.getState()
                + (a.hasDeathCause() ? " (" + a.getDeathCause().getKind() + ": "
                    + a.getDeathCause().getMessage() + ")" : "")) : null;
        if (err == null) {
          h.recordValue(Math.min(MAX_TRACKABLE_MICROS,
              TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start)));
        } else {
          errors.incrementAndGet();
          firstError.compareAndSet(null, err);
        }
        next();
      });
    }
  }

  private CommandLine.ParameterException usage(String msg) {
    return new CommandLine.ParameterException(spec.commandLine(), msg);
  }
}
