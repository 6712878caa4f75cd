package io.raftgcs.cli.bench;

import io.raftgcs.cli.GcsCommand;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.NodeClient;
import io.raftgcs.client.NodeQuery;
import io.raftgcs.client.SubscribeOptions;
import io.raftgcs.client.Subscription;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.NodeState;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gcsctl bench node-death}: how long the cluster takes to declare a node dead after its agent
 * is killed. Each run starts one agent in a separate process ({@code gcsctl agent simulate --nodes
 * 1}), lets it heartbeat, kills it with SIGKILL (so it cannot unregister), and times the kill to the
 * DEAD event on the node's own subscription. Last line: {@code runs=N detect_p50_ms=X
 * detect_max_ms=Y}.
 */
@Command(name = "node-death", description = "Kill -9 a simulated agent process and time how long "
    + "the cluster takes to declare its node DEAD (the failure detector's timeout plus its "
    + "check period). Last line: runs=N detect_p50_ms=X detect_max_ms=Y.")
public final class BenchNodeDeathCommand extends GcsCommand {
  @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
      description = "Agents to kill, one after the other (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--heartbeat-ms", paramLabel = "MS", defaultValue = "1000",
      description = "Heartbeat period of the agent (default: ${DEFAULT-VALUE}).")
  long heartbeatMs;

  @Option(names = "--max-wait-ms", paramLabel = "MS", defaultValue = "60000",
      description = "Give up on a run after this long without the DEAD event "
          + "(default: ${DEFAULT-VALUE}).")
  long maxWaitMs;

  @Override
  protected int run(GcsClient client) throws Exception {
    if (runs < 1 || heartbeatMs < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--runs and --heartbeat-ms must be positive");
    }
    List<Long> detections = new ArrayList<>();
    String tag = Long.toHexString(System.currentTimeMillis() & 0xffffffL);
    for (int run = 0; run < runs; run++) {
      long ms = oneRun(client, "death-" + tag + "-" + run);
      detections.add(ms);
      out().printf("run %d: DEAD %d ms after kill -9%n", run + 1, ms);
      out().flush();
    }
    List<Long> sorted = detections.stream().sorted().toList();
    out().printf("runs=%d detect_p50_ms=%d detect_max_ms=%d%n", runs, sorted.get(sorted.size() / 2),
        sorted.get(sorted.size() - 1));
    return 0;
  }

  private long oneRun(GcsClient client, String prefix) throws Exception {
    Process agent = startAgent(prefix);
    try {
      awaitRegistered(agent);
      GcsNodeInfo node = client.nodes().getAll(NodeQuery.all().name(prefix + "-0")
          .state(NodeState.ALIVE)).nodes().stream().findFirst()
          .orElseThrow(() -> new IllegalStateException("agent registered but its node is not listed"));
      CompletableFuture<Long> dead = new CompletableFuture<>();
      try (Subscription s = client.subscribe(SubscribeOptions.node(node.getNodeId().toByteArray()),
          new Subscription.Listener() {
            @Override
            public void onEvents(EventBatch batch) {
              batch.getEventsList().forEach(e -> NodeClient.nodeOf(e)
                  .filter(n -> n.getState() == NodeState.DEAD)
                  .ifPresent(n -> dead.complete(System.nanoTime())));
            }
          })) {
        Thread.sleep(3 * heartbeatMs); // a few beats on record
        long killedAt = System.nanoTime();
        agent.destroyForcibly(); // SIGKILL
        long at = dead.get(maxWaitMs, TimeUnit.MILLISECONDS);
        return TimeUnit.NANOSECONDS.toMillis(at - killedAt);
      }
    } finally {
      agent.destroyForcibly();
      agent.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** {@code gcsctl agent simulate --nodes 1} in a JVM of its own, from this one's class path. */
  private Process startAgent(String prefix) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), "io.raftgcs.cli.Gcsctl",
        "--endpoints", String.join(",", root().endpointList()), "agent", "simulate", "--nodes", "1",
        "--no-actors", "--name-prefix", prefix, "--heartbeat-ms", Long.toString(heartbeatMs)));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  private void awaitRegistered(Process agent) throws Exception {
    CompletableFuture<Void> registered = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(agent.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("all 1 nodes registered")) {
            registered.complete(null);
          }
        }
      } catch (java.io.IOException e) {
        // the process ended
      }
      registered.completeExceptionally(new IllegalStateException("the agent exited before registering"));
    }, "node-death-agent-output");
    reader.setDaemon(true);
    reader.start();
    registered.get(maxWaitMs, TimeUnit.MILLISECONDS);
  }
}
