package io.raftgcs.server;

import io.raftgcs.server.config.PeerSpec;
import io.raftgcs.server.config.ServerConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gcs-server}: starts one replica. Each setting comes from its flag, else the environment
 * variable, else the {@code --config} properties file (keys as the flag names without dashes).
 */
@Command(name = "gcs-server", mixinStandardHelpOptions = true, version = "raftgcs " + io.raftgcs.server.api.AdminApi.VERSION,
    description = "Runs one replica of the raftgcs quorum.",
    footer = {"", "Environment: GCS_ID, GCS_DATA_DIR, GCS_PEERS, GCS_RAFT_LISTEN_PORT,",
        "  GCS_CONFIG.",
        "Example: gcs-server --id n1 --data-dir /var/lib/raftgcs/n1 \\",
        "  --peers n1=127.0.0.1:7101:7001,n2=127.0.0.1:7102:7002,n3=127.0.0.1:7103:7003"})
public final class GcsServerMain implements Callable<Integer> {
  @Option(names = "--id", description = "this replica's id (one of --peers)")
  String id;

  @Option(names = "--data-dir", description = "folder for the Raft log, snapshots and the store")
  Path dataDir;

  @Option(names = "--peers", description = "all members: id=host:raftPort:apiPort,...")
  String peers;

  @Option(names = "--config", description = "properties file with id, data-dir, peers and tuning keys")
  Path config;

  @Option(names = "--join", description = "start empty and wait to be added by `gcsctl members add` (new member)")
  boolean join;

  @Option(names = "--raft-listen-port", description = "port the Raft server binds when it differs from the one "
      + "advertised in --peers, e.g. behind a forwarding proxy (default: the advertised port)")
  Integer raftListenPort;

  @Option(names = "--election-timeout-ms", description = "minimum election timeout; max is twice it (default 300)")
  Long electionTimeoutMs;

  @Option(names = "--snapshot-threshold", description = "entries between automatic snapshots (default 100000)")
  Long snapshotThreshold;

  @Option(names = "--heartbeat-period-ms", description = "agents' heartbeat period (default 1000)")
  Long heartbeatPeriodMs;

  @Option(names = "--node-timeout-ms", description = "silence after which a node is declared dead (default 10000)")
  Long nodeTimeoutMs;

  @Option(names = "--max-dead-nodes", description = "dead nodes kept in the node table (default 1000)")
  Long maxDeadNodes;

  @Option(names = "--max-dead-actors", description = "dead actors kept in the actor table, the earliest dead dropped"
      + " first (default 100000, Ray's maximum_gcs_destroyed_actor_cached_count)")
  Long maxDeadActors;

  @Option(names = "--log-segment-bytes", description = "Raft log segment size; only closed segments are purged (default 8 MiB)")
  Long logSegmentBytes;

  @Option(names = "--placement-timeout-ms", description = "unconfirmed actor placements are retried after this (default 30000)")
  Long placementTimeoutMs;

  @Option(names = "--event-history", description = "revisions of event history kept per replica (default 100000)")
  Long eventHistory;

  @Option(names = "--event-history-bytes", description = "bytes of event history kept per replica (default 64 MiB)")
  Long eventHistoryBytes;

  @Option(names = "--proposer-max-in-flight",
      description = "log entries the leader keeps in the Raft pipeline at once; requests arriving meanwhile "
          + "are batched into the next entry (default 1)")
  Long proposerMaxInFlight;

  @Option(names = "--proposer-max-batch", description = "most client commands in one log entry (default 256)")
  Long proposerMaxBatch;

  /** The JDK's system property for the common pool's size (read once, when the pool is first used). */
  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  public static void main(String[] args) {
    useCommonPoolOnSmallMachines();
    System.exit(new CommandLine(new GcsServerMain()).execute(args));
  }

  /**
   * {@code CompletableFuture}'s {@code *Async} methods without an executor use the common ForkJoin pool only
   * when its parallelism is at least 2; below that (the default on a machine with 2 cores or fewer, or with
   * {@code -XX:ActiveProcessorCount=1}) they start a new thread for every task. Ratis's follower ran
   * {@code thenComposeAsync} once per AppendEntries (append-entries compose, now off), so on a 2-core box
   * every replicated entry cost a thread start and exit on each follower (thread starts alone were about
   * 5 % of a follower's CPU samples under 64-client puts); Ratis and gRPC still use the pool elsewhere.
   * Must run before anything touches the common pool; an explicit {@code -D} setting wins.
   */
  static void useCommonPoolOnSmallMachines() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig cfg;
    try {
      cfg = resolve();
    } catch (IllegalArgumentException e) {
      System.err.println("gcs-server: " + e.getMessage());
      return 2;
    }
    GcsServer server = new GcsServer(cfg, Clock.systemUTC(), GcsServer::haltOnFatal).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.gracefulStop();
      stopped.countDown();
    }, "gcs-shutdown"));
    stopped.await();
    return 0;
  }

  ServerConfig resolve() throws IOException {
    Properties file = new Properties();
    Path cfgPath = config != null ? config : envPath("GCS_CONFIG");
    if (cfgPath != null) {
      try (Reader r = Files.newBufferedReader(cfgPath)) {
        file.load(r);
      }
    }
    String rid = pick(id, "GCS_ID", file, "id");
    String rdir = pick(dataDir == null ? null : dataDir.toString(), "GCS_DATA_DIR", file, "data-dir");
    String rpeers = pick(peers, "GCS_PEERS", file, "peers");
    if (rid == null || rdir == null || rpeers == null) {
      throw new IllegalArgumentException("--id, --data-dir and --peers are required (or GCS_ID, GCS_DATA_DIR, GCS_PEERS)");
    }
    ServerConfig cfg = ServerConfig.defaults(rid, Path.of(rdir), PeerSpec.parseList(rpeers));
    long election = num(electionTimeoutMs, file, "election-timeout-ms", cfg.electionTimeoutMin().toMillis());
    long snap = num(snapshotThreshold, file, "snapshot-threshold", cfg.snapshotThreshold());
    long segment = num(logSegmentBytes, file, "log-segment-bytes", cfg.logSegmentBytes());
    long hist = num(eventHistory, file, "event-history", cfg.eventHistoryRevisions());
    long histBytes = num(eventHistoryBytes, file, "event-history-bytes", cfg.eventHistoryBytes());
    return new ServerConfig(cfg.id(), cfg.dataDir(), cfg.peers(), Duration.ofMillis(election),
        Duration.ofMillis(election * 2), snap, Math.min(cfg.purgePreserveEntries(), snap), segment,
        hist, histBytes, positive("proposer-max-in-flight",
            num(proposerMaxInFlight, file, "proposer-max-in-flight", cfg.proposerMaxInFlight())),
        positive("proposer-max-batch", num(proposerMaxBatch, file, "proposer-max-batch", cfg.proposerMaxBatch())),
        nodeMonitor(file),
        new io.raftgcs.server.config.SchedulerConfig(num(placementTimeoutMs, file, "placement-timeout-ms",
            cfg.scheduler().placementTimeoutMs()), cfg.scheduler().maxBatch(), cfg.scheduler().periodMs()),
        join || Boolean.parseBoolean(file.getProperty("join", "false")), listenPort(file), maxDeadActors(file, cfg));
  }

  private int maxDeadActors(Properties file, ServerConfig d) {
    long v = num(maxDeadActors, file, "max-dead-actors", d.maxDeadActors());
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("max-dead-actors: " + v + " is not between 0 and " + Integer.MAX_VALUE);
    }
    return (int) v;
  }

  private int listenPort(Properties file) {
    String v = pick(raftListenPort == null ? null : raftListenPort.toString(), "GCS_RAFT_LISTEN_PORT", file,
        "raft-listen-port");
    try {
      int p = v == null || v.isBlank() ? 0 : Integer.parseInt(v.trim());
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("raft-listen-port: '" + v + "' is not a port");
    }
  }

  private io.raftgcs.server.config.NodeMonitorConfig nodeMonitor(Properties file) {
    var d = io.raftgcs.server.config.NodeMonitorConfig.defaults();
    long period = num(heartbeatPeriodMs, file, "heartbeat-period-ms", d.heartbeatPeriodMs());
    long timeout = num(nodeTimeoutMs, file, "node-timeout-ms", d.nodeTimeoutMs());
    long maxDead = num(maxDeadNodes, file, "max-dead-nodes", d.maxDeadNodes());
    return new io.raftgcs.server.config.NodeMonitorConfig(period, timeout, Math.max(50, Math.min(period, 1000) / 2),
        (int) maxDead);
  }

  private static Path envPath(String name) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? null : Path.of(v);
  }

  private static String pick(String flag, String env, Properties file, String key) {
    if (flag != null) {
      return flag;
    }
    String e = System.getenv(env);
    if (e != null && !e.isBlank()) {
      return e;
    }
    return file.getProperty(key);
  }

  private static int positive(String key, long v) {
    if (v < 1 || v > 65_536) {
      throw new IllegalArgumentException(key + " must be between 1 and 65536, got " + v);
    }
    return (int) v;
  }

  private static long num(Long flag, Properties file, String key, long dflt) {
    if (flag != null) {
      return flag;
    }
    String v = file.getProperty(key);
    try {
      return v == null ? dflt : Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": '" + v + "' is not a number");
    }
  }
}
