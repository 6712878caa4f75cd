package io.raftgcs.proof;

import com.google.protobuf.ByteString;
import io.raftgcs.client.ActorHosting;
import io.raftgcs.client.ActorQuery;
import io.raftgcs.client.AssignmentFeed;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.NodeAgent;
import io.raftgcs.client.NodeQuery;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.proto.GcsNodeInfo;
import io.raftgcs.proto.NodeState;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The GCS tables under the nemesis: a few simulated nodes (agents in this process, sharing one
 * placement stream) host actors created at a steady pace (max_restarts 1), and STRICT_SPREAD
 * placement groups come and stay. At the end, with every fault healed, the tables must hold:
 * no node of ours declared dead (a failover never kills a healthy node), restarts within budget,
 * every ALIVE actor on one alive node of ours with a matching address, no actor started more often
 * than its placements allow, every created STRICT_SPREAD group on distinct nodes.
 *
 * <p>Threads: one loop thread issues the creations; agents run on the client's threads.
 */
final class TableWorkload implements AutoCloseable {
  private static final int NODES = 4;
  private static final int MAX_ACTORS = 40;
  private static final int MAX_GROUPS = 10;

  private final GcsClient client;
  private final AssignmentFeed feed;
  private final List<NodeAgent> agents = new ArrayList<>();
  private final byte[] jobId = {0, 0, 0x70, 0x01};
  private final Random rnd;
  private final Set<ByteString> actorIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Set<ByteString> groupIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;
  private Thread loop;

  private final java.io.PrintStream log;

  TableWorkload(String endpoints, long seed, java.io.PrintStream log) {
    this.log = log;
    this.client = GcsClient.builder().endpoints(endpoints).requestTimeout(Duration.ofSeconds(2))
        .deadline(Duration.ofSeconds(30)).build();
    this.feed = AssignmentFeed.start(client);
    this.rnd = new Random(seed * 31 + 7);
  }

  void start() throws Exception {
    for (int i = 0; i < NODES; i++) {
      NodeAgent a = NodeAgent.builder(client).address("127.0.0.1").name("proof-node-" + i)
          .resources(Map.of("CPU", 16.0)).heartbeatPeriod(Duration.ofMillis(500))
          .hostActors(ActorHosting.immediate().withSharedFeed(feed)).build();
      a.start().get(120, TimeUnit.SECONDS);
      agents.add(a);
    }
    loop = new Thread(this::run, "proof-tables");
    loop.setDaemon(true);
    loop.start();
  }

  private void run() {
    while (!stopping) {
      try {
        if (actorIds.size() < MAX_ACTORS) {
          createActor();
        }
        if (groupIds.size() < MAX_GROUPS && rnd.nextInt(4) == 0) {
          byte[] id = client.placementGroups().create(List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0)),
              PlacementStrategy.STRICT_SPREAD, null, null, true, jobId, null);
          groupIds.add(ByteString.copyFrom(id));
        }
        Thread.sleep(300 + rnd.nextInt(400));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // unavailable during a fault: the next round tries again (a lost reply may leave an id
        // we did not record; the checks below read the tables, not our list)
      }
    }
  }

  private void createActor() {
    byte[] id = new byte[16];
    rnd.nextBytes(id);
    ActorTableData spec = ActorTableData.newBuilder().setActorId(ByteString.copyFrom(id))
        .setJobId(ByteString.copyFrom(jobId)).setClassName("ProofActor").setMaxRestarts(1)
        .setIsDetached(true).putRequiredResources("CPU", 1.0).build();
    client.actors().registerActor(spec);
    actorIds.add(spec.getActorId());
    client.actors().createActorAsync(id, false);
  }

  /** Stops creating; waits for the actors to settle; returns every broken invariant. */
  List<String> check() throws InterruptedException {
    stopping = true;
    loop.interrupt();
    loop.join(10_000);
    List<String> bad = new ArrayList<>();
    Set<ByteString> ours = new HashSet<>();
    for (NodeAgent a : agents) {
      ours.add(ByteString.copyFrom(a.nodeId()));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<ActorTableData> actors = List.of();
    while (System.nanoTime() < deadline) {
      actors = client.actors().getAllActorInfo(ActorQuery.all().jobId(jobId).limit(1000)).actors();
      if (actors.stream().allMatch(x -> x.getState() == ActorState.ALIVE || x.getState() == ActorState.DEAD
          || x.getState() == ActorState.DEPENDENCIES_UNREADY)) {
        break;
      }
      Thread.sleep(500);
    }
    for (GcsNodeInfo n : client.nodes().getAll(NodeQuery.all().limit(10_000)).nodes()) {
      if (ours.contains(n.getNodeId()) && n.getState() != NodeState.ALIVE) {
        bad.add("node " + n.getNodeName() + " declared dead although its agent kept beating: " + n.getDeathInfo());
      }
    }
    long reregistered = agents.stream().mapToLong(NodeAgent::registrations).sum() - agents.size();
    if (reregistered > 0) {
      bad.add(reregistered + " agent re-registration(s): the cluster forgot a live node");
    }
    long allowedStarts = 0;
    for (ActorTableData a : actors) {
      if (a.getNumRestarts() > a.getMaxRestarts()) {
        bad.add("actor " + hex(a.getActorId()) + " restarted " + a.getNumRestarts() + " times, budget "
            + a.getMaxRestarts());
      }
      if (a.getState() == ActorState.ALIVE) {
        if (!ours.contains(a.getNodeId()) || !a.getAddress().getNodeId().equals(a.getNodeId())) {
          bad.add("actor " + hex(a.getActorId()) + " ALIVE on an unknown node or with a mismatched address");
        }
      } else if (a.getState() != ActorState.DEPENDENCIES_UNREADY && a.getState() != ActorState.DEAD) {
        bad.add("actor " + hex(a.getActorId()) + " never settled: " + a.getState());
      }
      allowedStarts += a.getNumRestarts() + 1;
    }
    long effective = agents.stream().mapToLong(a -> a.actorsStarted() - a.staleActorReports()).sum();
    if (effective > allowedStarts) {
      bad.add("agents' effective starts " + effective + " exceed what the placements allow (" + allowedStarts
          + "): an actor ran twice");
    }
    for (PlacementGroupTableData g : client.placementGroups().getAll(10_000L).groups()) {
      if (g.getStrategy() != PlacementStrategy.STRICT_SPREAD
          || g.getState() != PlacementGroupTableData.PlacementGroupState.CREATED) {
        continue;
      }
      Set<ByteString> nodes = new HashSet<>();
      g.getBundlesList().forEach(b -> nodes.add(b.getNodeId()));
      if (nodes.size() != g.getBundlesCount()) {
        bad.add("STRICT_SPREAD group " + hex(g.getPlacementGroupId()) + " has two bundles on one node");
      }
    }
    log.println("tables: " + agents.size() + " nodes, " + actors.size() + " actors ("
        + actors.stream().filter(a -> a.getState() == ActorState.ALIVE).count() + " ALIVE, restarts "
        + actors.stream().mapToLong(ActorTableData::getNumRestarts).sum() + "), " + groupIds.size()
        + " STRICT_SPREAD groups, effective starts " + effective + "; invariant violations: " + bad.size());
    return bad;
  }

  private static String hex(ByteString b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b.toByteArray()) {
      sb.append(String.format("%02x", x));
    }
    return sb.toString();
  }

  @Override
  public void close() {
    stopping = true;
    if (loop != null) {
      loop.interrupt();
    }
    for (NodeAgent a : agents) {
      try {
        a.closeAsync().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // the cluster may be gone already
      }
    }
    feed.close();
    client.close();
  }
}
