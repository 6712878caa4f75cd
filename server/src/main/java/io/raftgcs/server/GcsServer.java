package io.raftgcs.server;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.raftgcs.server.api.ActorService;
import io.raftgcs.server.api.ActorWaiters;
import io.raftgcs.server.api.AdminApi;
import io.raftgcs.server.api.Calls;
import io.raftgcs.server.api.WorkerService;
import io.raftgcs.server.api.Errors;
import io.raftgcs.server.api.KvService;
import io.raftgcs.server.api.NodeResourceService;
import io.raftgcs.server.api.NodeService;
import io.raftgcs.server.api.LeaderDirectory;
import io.raftgcs.server.api.ReadPath;
import io.raftgcs.server.api.Rpc;
import io.raftgcs.server.api.WritePath;
import io.raftgcs.server.config.ServerConfig;
import io.raftgcs.server.leader.ActorScheduler;
import io.raftgcs.server.leader.ClusterBootstrap;
import io.raftgcs.server.leader.HeartbeatMonitor;
import io.raftgcs.server.leader.LeaderLifecycle;
import io.raftgcs.server.leader.PlacementGroupScheduler;
import io.raftgcs.server.api.JobService;
import io.raftgcs.server.api.PlacementGroupService;
import io.raftgcs.server.api.PlacementGroupWaiters;
import io.raftgcs.server.pubsub.EventBus;
import io.raftgcs.server.pubsub.PubsubService;
import io.raftgcs.server.pubsub.SubscribeLimits;
import io.raftgcs.server.raft.Proposer;
import io.raftgcs.server.raft.RaftNode;
import io.raftgcs.statemachine.GcsStateMachine;
import io.raftgcs.statemachine.Limits;
import io.raftgcs.statemachine.apply.EventHistory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica: wires the state machine, the Raft node and the gRPC API together, and owns their
 * start and stop order. Holds no request logic. Called from the main thread (start/stop) only.
 */
public final class GcsServer implements AutoCloseable {
  /**
   * Heap for the recent event batches kept for subscribers catching up (older ones are read from the
   * persisted history). Bounded in bytes too: up to 4,096 batches of about 86 events each (256-client
   * puts) held about 130 MB on every replica.
   */
  static final long EVENT_RING_BYTES = 16L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(GcsServer.class);

  private final ServerConfig cfg;
  private final GcsStateMachine stateMachine;
  private final RaftNode raft;
  private final AdminApi admin;
  private final Server grpc;
  private final io.raftgcs.server.api.CallExecutors callExecutors = new io.raftgcs.server.api.CallExecutors();
  private final EventBus bus;
  private final LeaderLifecycle leaderLifecycle;
  private final HeartbeatMonitor monitor;
  private final ActorScheduler scheduler;
  private final Proposer proposer;
  private final ReadPath reads;
  private final PlacementGroupScheduler pgScheduler;
  private final io.raftgcs.server.leader.RuntimeEnvExpirer runtimeEnvExpirer;
  private final io.raftgcs.server.leader.TaskEventStore taskEvents;
  private volatile boolean closed;

  public GcsServer(ServerConfig cfg, Clock clock, Consumer<Throwable> fatal) throws IOException {
    this.cfg = cfg;
    EventHistory history = new EventHistory(cfg.eventHistoryRevisions(), cfg.eventHistoryBytes());
    this.stateMachine = new GcsStateMachine(cfg.dataDir().resolve("db"), history, fatal);
    this.bus = new EventBus(stateMachine, 4096, EVENT_RING_BYTES, 2);
    stateMachine.addListener(bus);
    this.raft = new RaftNode(cfg, stateMachine);
    LeaderDirectory directory = new LeaderDirectory(cfg.peers());
    directory.follow(raft::members);
    Errors errors = new Errors(directory);
    Rpc rpc = new Rpc(errors);
    this.proposer = new Proposer(raft, cfg.proposerMaxInFlight(), cfg.proposerMaxBatch());
    WritePath writes = new WritePath(raft, proposer, clock, cfg.nodes().maxDeadNodes(), cfg.maxDeadActors());
    this.reads = new ReadPath(raft);
    this.monitor = new HeartbeatMonitor(stateMachine, writes, clock, cfg.nodes());
    this.scheduler = new ActorScheduler(stateMachine, writes, clock, cfg.scheduler());
    stateMachine.addListener(scheduler);
    stateMachine.addListener(monitor);
    this.pgScheduler = new PlacementGroupScheduler(stateMachine, writes, cfg.scheduler());
    stateMachine.addListener(pgScheduler);
    this.runtimeEnvExpirer = new io.raftgcs.server.leader.RuntimeEnvExpirer(stateMachine, writes, clock,
        Long.getLong("raftgcs.runtimeEnv.expiryPeriodMs", io.raftgcs.server.leader.RuntimeEnvExpirer.DEFAULT_PERIOD_MS));
    this.taskEvents = new io.raftgcs.server.leader.TaskEventStore(stateMachine, clock,
        Integer.getInteger("raftgcs.taskEvents.maxTasks", io.raftgcs.server.leader.TaskEventStore.DEFAULT_MAX_TASKS));
    this.leaderLifecycle = new LeaderLifecycle(cfg.id(),
        // taskEvents before ClusterBootstrap: it tells "first leader ever" by the cluster id not being set yet.
        List.of(taskEvents, new ClusterBootstrap(stateMachine, writes), monitor, scheduler, pgScheduler,
            runtimeEnvExpirer));
    stateMachine.addListener(leaderLifecycle);
    ActorWaiters actorWaiters = new ActorWaiters();
    stateMachine.addListener(actorWaiters);
    PlacementGroupWaiters pgWaiters = new PlacementGroupWaiters();
    stateMachine.addListener(pgWaiters);
    Calls calls = new Calls(writes, reads, rpc, cfg.id());
    this.admin = new AdminApi(raft, directory, rpc);
    this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(cfg.self().host(), cfg.self().apiPort()))
        // Above our own 2 MiB request limit, so the validator can name the field that is too big.
        .maxInboundMessageSize(Limits.MAX_REQUEST_BYTES * 2)
        // Clients ping long-lived subscription streams to notice a dead replica quickly.
        .permitKeepAliveTime(5, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        // Method lookup on the transport thread; CallExecutors moves the calls that may block to its pool.
        .directExecutor()
        .callExecutor(callExecutors)
        .addService(new KvService(calls))
        .addService(admin)
        .addService(new NodeService(calls, raft, monitor))
        .addService(new NodeResourceService(reads, rpc, raft, monitor, clock))
        .addService(new ActorService(calls, actorWaiters))
        .addService(new WorkerService(calls))
        .addService(new JobService(calls))
        .addService(new PlacementGroupService(calls, pgWaiters))
        .addService(new io.raftgcs.server.api.RuntimeEnvService(calls))
        .addService(new io.raftgcs.server.api.TaskInfoService(calls, raft, taskEvents, cfg.id()))
        .addService(new PubsubService(bus, SubscribeLimits.defaults()))
        .build();
  }

  /** The default fatal-error policy of a real process: a replica that cannot apply must stop, not diverge. */
  public static void haltOnFatal(Throwable t) {
    LoggerFactory.getLogger(GcsServer.class).error("FATAL: state machine failure, halting replica", t);
    Runtime.getRuntime().halt(70);
  }

  public GcsServer start() throws IOException {
    raft.start();
    grpc.start();
    LOG.info("replica {} serving API on {} and Raft on {}{}", cfg.id(), cfg.self().apiAddress(),
        cfg.self().raftAddress(), cfg.raftBindPort() == cfg.self().raftPort() ? ""
            : " (listening on port " + cfg.raftBindPort() + ")");
    return this;
  }

  public RaftNode raft() {
    return raft;
  }

  public ServerConfig config() {
    return cfg;
  }

  public EventBus eventBus() {
    return bus;
  }

  public HeartbeatMonitor heartbeatMonitor() {
    return monitor;
  }

  public ActorScheduler actorScheduler() {
    return scheduler;
  }

  public PlacementGroupScheduler placementGroupScheduler() {
    return pgScheduler;
  }

  public io.raftgcs.server.leader.RuntimeEnvExpirer runtimeEnvExpirer() {
    return runtimeEnvExpirer;
  }

  /** The leader-local task events (soft state; see docs/ARCHITECTURE.md). */
  public io.raftgcs.server.leader.TaskEventStore taskEvents() {
    return taskEvents;
  }

  public AdminApi admin() {
    return admin;
  }

  /** SIGTERM path: if leader, hand leadership to the most caught-up follower first, then stop. */
  public void gracefulStop() {
    try {
      if (raft.info().isLeader()) {
        var target = raft.mostCaughtUpFollower();
        if (target.isPresent()) {
          LOG.info("handing leadership to {} before shutdown", target.get());
          raft.transferLeadership(target.get(), 3000);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("leadership hand-over before shutdown failed: {}", e.toString());
    }
    close();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    leaderLifecycle.close();
    bus.close();
    grpc.shutdown();
    try {
      if (!grpc.awaitTermination(2, TimeUnit.SECONDS)) {
        grpc.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      grpc.shutdownNow();
    }
    callExecutors.close();
    proposer.close();
    reads.close();
    try {
      raft.close();
    } catch (IOException e) {
      LOG.warn("closing Raft server: {}", e.toString());
    }
  }
}
