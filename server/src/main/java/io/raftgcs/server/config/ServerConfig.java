package io.raftgcs.server.config;

import io.raftgcs.statemachine.apply.CommandApplier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a replica needs to start. Built by {@code GcsServerMain} from flags, environment and an
 * optional properties file, or directly by tests.
 */
public record ServerConfig(
    String id,
    Path dataDir,
    List<PeerSpec> peers,
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    long snapshotThreshold,
    long purgePreserveEntries,
    long logSegmentBytes,
    long eventHistoryRevisions,
    long eventHistoryBytes,
    int proposerMaxInFlight,
    int proposerMaxBatch,
    NodeMonitorConfig nodes,
    SchedulerConfig scheduler,
    boolean join,
    int raftListenPort,
    int maxDeadActors) {

  public ServerConfig {
    if (peers.stream().noneMatch(p -> p.id().equals(id))) {
      throw new IllegalArgumentException("--id " + id + " is not one of --peers " + PeerSpec.format(peers));
    }
    if (raftListenPort < 0 || raftListenPort > 65535) {
      throw new IllegalArgumentException("--raft-listen-port " + raftListenPort + " is not a port");
    }
    if (maxDeadActors < 0) {
      throw new IllegalArgumentException("--max-dead-actors " + maxDeadActors + " must not be negative");
    }
  }

  /** Listens on the advertised Raft port ({@code raftListenPort} 0) and keeps Ray's default of dead actors. */
  public ServerConfig(String id, Path dataDir, List<PeerSpec> peers, Duration electionTimeoutMin,
      Duration electionTimeoutMax, long snapshotThreshold, long purgePreserveEntries, long logSegmentBytes,
      long eventHistoryRevisions, long eventHistoryBytes, int proposerMaxInFlight, int proposerMaxBatch,
      NodeMonitorConfig nodes, SchedulerConfig scheduler, boolean join) {
    this(id, dataDir, peers, electionTimeoutMin, electionTimeoutMax, snapshotThreshold, purgePreserveEntries,
        logSegmentBytes, eventHistoryRevisions, eventHistoryBytes, proposerMaxInFlight, proposerMaxBatch, nodes,
        scheduler, join, 0, CommandApplier.DEFAULT_MAX_DEAD_ACTORS);
  }

  public static ServerConfig defaults(String id, Path dataDir, List<PeerSpec> peers) {
    return new ServerConfig(id, dataDir, peers, Duration.ofMillis(300), Duration.ofMillis(600), 100_000, 10_000,
        8L << 20, 100_000, 64L << 20, 1, 256, NodeMonitorConfig.defaults(), SchedulerConfig.defaults(), false);
  }

  public PeerSpec self() {
    return peers.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  /**
   * The port the Raft (gRPC) server binds: {@code raftListenPort} when set, else the advertised one. They differ
   * when something forwards the advertised address to this replica (the proof harness's fault proxy).
   */
  public int raftBindPort() {
    return raftListenPort > 0 ? raftListenPort : self().raftPort();
  }

  public ServerConfig withRaftListenPort(int port) {
    return new ServerConfig(id, dataDir, peers, electionTimeoutMin, electionTimeoutMax, snapshotThreshold,
        purgePreserveEntries, logSegmentBytes, eventHistoryRevisions, eventHistoryBytes, proposerMaxInFlight,
        proposerMaxBatch, nodes, scheduler, join, port, maxDeadActors);
  }

  public ServerConfig withElectionTimeout(Duration min, Duration max) {
    return new ServerConfig(id, dataDir, peers, min, max, snapshotThreshold, purgePreserveEntries, logSegmentBytes,
        eventHistoryRevisions, eventHistoryBytes, proposerMaxInFlight, proposerMaxBatch, nodes, scheduler, join,
        raftListenPort, maxDeadActors);
  }

  public ServerConfig withSnapshotThreshold(long threshold, long preserve, long segmentBytes) {
    return new ServerConfig(id, dataDir, peers, electionTimeoutMin, electionTimeoutMax, threshold, preserve,
        segmentBytes, eventHistoryRevisions, eventHistoryBytes, proposerMaxInFlight, proposerMaxBatch, nodes, scheduler, join,
        raftListenPort, maxDeadActors);
  }

  public ServerConfig withEventHistory(long revisions, long bytes) {
    return new ServerConfig(id, dataDir, peers, electionTimeoutMin, electionTimeoutMax, snapshotThreshold,
        purgePreserveEntries, logSegmentBytes, revisions, bytes, proposerMaxInFlight, proposerMaxBatch, nodes, scheduler, join,
        raftListenPort, maxDeadActors);
  }

  public ServerConfig withNodes(NodeMonitorConfig n) {
    return new ServerConfig(id, dataDir, peers, electionTimeoutMin, electionTimeoutMax, snapshotThreshold,
        purgePreserveEntries, logSegmentBytes, eventHistoryRevisions, eventHistoryBytes, proposerMaxInFlight,
        proposerMaxBatch, n, scheduler, join, raftListenPort, maxDeadActors);
  }

  public ServerConfig withJoin(boolean j) {
    return new ServerConfig(id, dataDir, peers, electionTimeoutMin, electionTimeoutMax, snapshotThreshold,
        purgePreserveEntries, logSegmentBytes, eventHistoryRevisions, eventHistoryBytes, proposerMaxInFlight,
        proposerMaxBatch, nodes, scheduler, j, raftListenPort, maxDeadActors);
  }

  public ServerConfig withScheduler(SchedulerConfig s) {
    return new ServerConfig(id, dataDir, peers, electionTimeoutMin, electionTimeoutMax, snapshotThreshold,
        purgePreserveEntries, logSegmentBytes, eventHistoryRevisions, eventHistoryBytes, proposerMaxInFlight,
        proposerMaxBatch, nodes, s, join, raftListenPort, maxDeadActors);
  }

  /**
   * Dead actors kept in the actor table (Ray's {@code maximum_gcs_destroyed_actor_cached_count}). Stamped by this
   * replica, when it leads, on every command it proposes, so all replicas drop the same actors.
   */
  public ServerConfig withMaxDeadActors(int max) {
    return new ServerConfig(id, dataDir, peers, electionTimeoutMin, electionTimeoutMax, snapshotThreshold,
        purgePreserveEntries, logSegmentBytes, eventHistoryRevisions, eventHistoryBytes, proposerMaxInFlight,
        proposerMaxBatch, nodes, scheduler, join, raftListenPort, max);
  }
}
