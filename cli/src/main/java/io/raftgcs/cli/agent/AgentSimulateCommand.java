package io.raftgcs.cli.agent;

import io.raftgcs.cli.DurationConverter;
import io.raftgcs.cli.ExitCodes;
import io.raftgcs.cli.GcsCommand;
import io.raftgcs.cli.StopSignal;
import io.raftgcs.cli.output.Json;
import io.raftgcs.client.ActorHosting;
import io.raftgcs.client.AssignmentFeed;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.NodeAgent;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.client.Subscription;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gcsctl agent simulate}: N node agents in this process sharing one client, until stopped
 * (SIGINT/SIGTERM: every node is unregistered with EXPECTED_TERMINATION, then exit 0).
 */
@Command(name = "simulate", description = "Run N simulated nodes (register, heartbeat, "
    + "re-register when the cluster forgets one, start the actors placed on them) in this "
    + "process until interrupted; then unregister them all and exit 0. Prints a line when all "
    + "are registered and periodic stats.")
public final class AgentSimulateCommand extends GcsCommand {
  @Option(names = "--nodes", paramLabel = "N", defaultValue = "1",
      description = "Number of nodes (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--heartbeat-ms", paramLabel = "MS", defaultValue = "1000",
      description = "Heartbeat period; 0: the period the leader announces (default: "
          + "${DEFAULT-VALUE}).")
  long heartbeatMs;

  @Option(names = "--resources", paramLabel = "NAME=AMOUNT[,...]", defaultValue = "CPU=1",
      description = "Total resources of each node, e.g. CPU=4,memory=8e9 (default: "
          + "${DEFAULT-VALUE}).")
  String resources;

  @Option(names = "--labels", paramLabel = "KEY=VALUE[,...]", defaultValue = "",
      description = "Labels of each node.")
  String labels;

  @Option(names = "--name-prefix", paramLabel = "PREFIX", defaultValue = "sim",
      description = "Node names are PREFIX-0 .. PREFIX-(N-1) (default: ${DEFAULT-VALUE}).")
  String namePrefix;

  @Option(names = "--address", paramLabel = "IP", defaultValue = "127.0.0.1",
      description = "Node manager address reported by every node (default: ${DEFAULT-VALUE}).")
  String address;

  @Option(names = "--stats-interval", paramLabel = "DURATION", defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How often to print stats (default: ${DEFAULT-VALUE}).")
  Duration statsInterval;

  @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop by itself after this long (default: run until interrupted).")
  Duration duration;

  @Option(names = "--watch", description = "Each node also subscribes to its own row "
      + "(NODE channel), as a real agent follows the cluster's decisions about it.")
  boolean watch;

  @Option(names = "--actors", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Each node starts the actors the cluster places on it and reports them "
          + "started (or failed); --no-actors: nodes only (default: on).")
  boolean actors;

  @Option(names = "--actor-failure-rate", paramLabel = "F", defaultValue = "0",
      description = "Probability in [0, 1] that starting an actor fails (reported as a "
          + "constructor failure, CREATION_TASK_FAILED) (default: ${DEFAULT-VALUE}).")
  double actorFailureRate;

  @Option(names = "--actor-start-ms", paramLabel = "MS", defaultValue = "0",
      description = "Simulated worker start time per actor (default: ${DEFAULT-VALUE}).")
  long actorStartMs;

  @Option(names = "--register-concurrency", paramLabel = "K", defaultValue = "256",
      description = "At most K registrations in flight at a time, as nodes of a real cluster come "
          + "up over a while rather than in one instant (default: ${DEFAULT-VALUE}).")
  int registerConcurrency;

  @Option(names = "--per-node-streams", description = "Each node follows its placements on a "
      + "stream of its own, as separate agent processes would; default: the nodes of this process "
      + "share one placement stream.")
  boolean perNodeStreams;

  /** Test hook: the running command's stop switch. */
  volatile StopSignal stopSignal;

  @Override
  protected int run(GcsClient client) throws InterruptedException {
    if (nodes < 1) {
      throw usage("--nodes must be at least 1");
    }
    if (heartbeatMs < 0) {
      throw usage("--heartbeat-ms must not be negative");
    }
    if (!(actorFailureRate >= 0 && actorFailureRate <= 1)) {
      throw usage("--actor-failure-rate must be in [0, 1]");
    }
    if (registerConcurrency < 1) {
      throw usage("--register-concurrency must be at least 1");
    }
    if (actorStartMs < 0) {
      throw usage("--actor-start-ms must not be negative");
    }
    AssignmentFeed feed = actors && !perNodeStreams ? AssignmentFeed.start(client) : null;
    ActorHosting hosting = actors
        ? new ActorHosting(Duration.ofMillis(actorStartMs), actorFailureRate, feed) : null;
    Map<String, Double> res = parseResources(resources);
    Map<String, String> lbl = parseLabels(labels);
    PrintStream out = out();
    boolean json = json();
    AtomicLong reregistrations = new AtomicLong();
    AtomicLong nodeEvents = new AtomicLong();
    // Heartbeat round trips in microseconds: one interval's worth (stats lines) and the whole run.
    org.HdrHistogram.Recorder beatLatency = new org.HdrHistogram.Recorder(3);
    org.HdrHistogram.Histogram beatTotal = new org.HdrHistogram.Histogram(3);
    List<NodeAgent> agents = new ArrayList<>(nodes);
    for (int i = 0; i < nodes; i++) {
      NodeAgent.Builder b = NodeAgent.builder(client).address(address)
          .name(namePrefix + "-" + i).hostname(namePrefix + "-" + i).resources(res).labels(lbl)
          .listener(new NodeAgent.Listener() {
            @Override
            public void onReregistered(byte[] oldNodeId, byte[] newNodeId, long revision) {
              reregistrations.incrementAndGet();
            }

            @Override
            public void onHeartbeat(long micros) {
              beatLatency.recordValue(micros);
            }
          });
      if (heartbeatMs > 0) {
        b.heartbeatPeriod(Duration.ofMillis(heartbeatMs));
      }
      b.hostActors(hosting);
      agents.add(b.build());
    }
    long t0 = System.nanoTime();
    try (StopSignal stop = StopSignal.install()) {
      stopSignal = stop;
      long endNanos = duration == null ? Long.MAX_VALUE : t0 + duration.toNanos();
      CompletableFuture<Void> all = startAll(agents, nodeEvents);
      boolean registered = false;
      long lastStats = System.nanoTime();
      long lastBeats = 0;
      while (!stop.isStopped() && System.nanoTime() < endNanos) {
        if (!registered && all.isDone()) {
          registered = true;
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          if (all.isCompletedExceptionally()) {
            Throwable e = cause(all);
            err().println("gcsctl: registration failed: " + e.getMessage());
            stop.stop("registration failed");
            break;
          }
          line(out, json, "all " + nodes + " nodes registered in " + ms + " ms",
              obj("event", "registered", "nodes", (long) nodes, "elapsed_ms", ms));
        }
        long now = System.nanoTime();
        if (now - lastStats >= statsInterval.toNanos()) {
          long beats = agents.stream().mapToLong(NodeAgent::heartbeats).sum();
          double perSec = (beats - lastBeats) / ((now - lastStats) / 1e9);
          lastBeats = beats;
          lastStats = now;
          long up = agents.stream().filter(NodeAgent::isRegistered).count();
          long failures = agents.stream().mapToLong(NodeAgent::heartbeatFailures).sum();
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("event", "stats");
          m.put("registered", up);
          m.put("heartbeats_per_s", Math.round(perSec * 10) / 10.0);
          m.put("heartbeat_failures", failures);
          m.put("reregistrations", reregistrations.get());
          org.HdrHistogram.Histogram h = beatLatency.getIntervalHistogram();
          beatTotal.add(h);
          m.put("heartbeat_p50_ms", ms(h.getValueAtPercentile(50)));
          m.put("heartbeat_p99_ms", ms(h.getValueAtPercentile(99)));
          if (watch) {
            m.put("node_events", nodeEvents.get());
          }
          long started = agents.stream().mapToLong(NodeAgent::actorsStarted).sum();
          long failedActors = agents.stream().mapToLong(NodeAgent::actorsFailed).sum();
          long staleReports = agents.stream().mapToLong(NodeAgent::staleActorReports).sum();
          if (actors) {
            m.put("actors_started", started);
            m.put("actors_failed", failedActors);
            m.put("stale_actor_reports", staleReports);
          }
          line(out, json, String.format("registered=%d heartbeats/s=%.1f failures=%d "
              + "reregistrations=%d heartbeat_p50_ms=%s heartbeat_p99_ms=%s%s%s", up, perSec,
              failures, reregistrations.get(), m.get("heartbeat_p50_ms"), m.get("heartbeat_p99_ms"),
              watch ? " node_events=" + nodeEvents.get() : "",
              actors ? " actors_started=" + started + " actors_failed=" + failedActors
                  + " stale_actor_reports=" + staleReports : ""), m);
        }
        long untilStats = statsInterval.toMillis()
            - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastStats);
        long untilEnd = endNanos == Long.MAX_VALUE ? Long.MAX_VALUE
            : TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime());
        stop.await(Math.max(1, Math.min(registered ? untilStats : 50, untilEnd)));
      }
      beatTotal.add(beatLatency.getIntervalHistogram());
      long totalBeats = agents.stream().mapToLong(NodeAgent::heartbeats).sum();
      long totalFailures = agents.stream().mapToLong(NodeAgent::heartbeatFailures).sum();
      line(out, json, String.format("summary: nodes=%d heartbeats=%d heartbeat_failures=%d "
              + "reregistrations=%d heartbeat_p50_ms=%s heartbeat_p99_ms=%s heartbeat_max_ms=%s",
              nodes, totalBeats, totalFailures, reregistrations.get(),
              ms(beatTotal.getValueAtPercentile(50)), ms(beatTotal.getValueAtPercentile(99)),
              ms(beatTotal.getMaxValue())),
          obj("event", "summary", "nodes", (long) nodes, "heartbeats", totalBeats,
              "heartbeat_failures", totalFailures, "reregistrations", reregistrations.get(),
              "heartbeat_p50_ms", ms(beatTotal.getValueAtPercentile(50)),
              "heartbeat_p99_ms", ms(beatTotal.getValueAtPercentile(99)),
              "heartbeat_max_ms", ms(beatTotal.getMaxValue())));
      // Clean stop: every node leaves with EXPECTED_TERMINATION.
      long neverRegistered = agents.stream().filter(a -> a.nodeId() == null).count();
      List<CompletableFuture<Void>> closes = new ArrayList<>(nodes);
      agents.forEach(a -> closes.add(a.closeAsync()));
      CompletableFuture<Void> closed = CompletableFuture.allOf(
          closes.toArray(CompletableFuture[]::new));
      try {
        closed.get(root().timeoutMillis() + 5000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // counted below
      }
      if (feed != null) {
        feed.close();
      }
      long failed = closes.stream().filter(f -> !f.isDone() || f.isCompletedExceptionally())
          .count();
      long unregistered = agents.stream().filter(a -> a.nodeId() != null).count() - failed;
      line(out, json, "stopped: unregistered " + unregistered + " nodes"
              + (failed > 0 ? ", " + failed + " failed" : "")
              + (neverRegistered > 0 ? ", " + neverRegistered + " never registered" : ""),
          obj("event", "stopped", "unregistered", unregistered, "failed", failed,
              "never_registered", neverRegistered));
      if (failed > 0) {
        err().println("gcsctl: " + failed + " node(s) could not be unregistered; the cluster "
            + "will declare them dead when their heartbeats stop");
        return ExitCodes.UNAVAILABLE;
      }
    }
    return ExitCodes.OK;
  }

  /**
   * Starts the agents on a thread of its own, at most {@code registerConcurrency} registrations in
   * flight; completes when every agent has registered once (or one failed for good).
   */
  private CompletableFuture<Void> startAll(List<NodeAgent> agents, AtomicLong nodeEvents) {
    CompletableFuture<Void> all = new CompletableFuture<>();
    java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(registerConcurrency);
    Thread starter = new Thread(() -> {
      List<CompletableFuture<byte[]>> starts = new ArrayList<>(agents.size());
      try {
        for (NodeAgent a : agents) {
          slots.acquire();
          CompletableFuture<byte[]> f = a.start();
          f.whenComplete((id, e) -> slots.release());
          starts.add(f);
          if (watch) {
            a.watchNode(new Subscription.Listener() {
              @Override
              public void onEvents(EventBatch batch) {
                nodeEvents.addAndGet(batch.getEventsCount());
              }
            });
          }
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new))
            .whenComplete((v, e) -> {
              if (e != null) {
                all.completeExceptionally(e);
              } else {
                all.complete(null);
              }
            });
      } catch (InterruptedException e) {
        all.completeExceptionally(e);
      }
    }, "agent-starter");
    starter.setDaemon(true);
    starter.start();
    return all;
  }

  private static double ms(long micros) {
    return Math.round(micros / 100.0) / 10.0;
  }

  private static void line(PrintStream out, boolean json, String human, Map<String, Object> m) {
    out.println(json ? Json.write(m) : human);
    out.flush();
  }

  /** An ordered JSON object from key, value pairs. */
  private static Map<String, Object> obj(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static Throwable cause(CompletableFuture<?> f) {
    try {
      f.join();
      return new IllegalStateException("not failed");
    } catch (RuntimeException e) {
      return e.getCause() != null ? e.getCause() : e;
    }
  }

  private CommandLine.ParameterException usage(String msg) {
    return new CommandLine.ParameterException(spec.commandLine(), msg);
  }

  Map<String, Double> parseResources(String s) {
    Map<String, Double> out = new TreeMap<>();
    for (String part : s.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw usage("--resources takes NAME=AMOUNT[,...], got '" + p + "'");
      }
      try {
        double v = Double.parseDouble(p.substring(eq + 1).trim());
        if (!Double.isFinite(v) || v < 0) {
          throw new NumberFormatException();
        }
        out.put(p.substring(0, eq).trim(), v);
      } catch (NumberFormatException e) {
        throw usage("--resources: '" + p + "' needs a finite, non-negative amount");
      }
    }
    return out;
  }

  Map<String, String> parseLabels(String s) {
    Map<String, String> out = new TreeMap<>();
    for (String part : s.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw usage("--labels takes KEY=VALUE[,...], got '" + p + "'");
      }
      out.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
    }
    return out;
  }
}
