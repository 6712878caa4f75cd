package io.raftgcs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.raftgcs.client.ActorHosting;
import io.raftgcs.client.AssignmentFeed;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.NodeAgent;
import io.raftgcs.client.NodeIds;
import io.raftgcs.proto.ActorDeathCause;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import io.raftgcs.server.config.NodeMonitorConfig;
import io.raftgcs.server.config.SchedulerConfig;
import io.raftgcs.server.testing.MiniGcsCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Actors end to end through the client, simulated agents and gcsctl: restarts across node deaths,
 * actors list/get/kill, summary, members, bench actors and bench watch.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActorCliTest {
  private static final HexFormat HEX = HexFormat.of();
  private MiniGcsCluster cluster;
  private GcsClient client;
  private final List<NodeAgent> agents = new ArrayList<>();

  record Run(int code, String out, String err) {
    JsonObject json() {
      return JsonParser.parseString(out.trim()).getAsJsonObject();
    }

    String lastLine() {
      String[] lines = out.trim().split("\n");
      return lines[lines.length - 1];
    }
  }

  @BeforeAll
  void startCluster(@TempDir Path dir) throws Exception {
    cluster = MiniGcsCluster.start(3, dir, cfg -> cfg
        .withNodes(new NodeMonitorConfig(200, 3000, 100, 1000))
        .withScheduler(new SchedulerConfig(5000, 512, 100)));
    client = GcsClient.builder().endpoints(cluster.endpoints()).build();
  }

  @AfterAll
  void stopCluster() {
    agents.forEach(NodeAgent::closeAsync);
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private NodeAgent agent(String name, double cpus) throws Exception {
    NodeAgent a = NodeAgent.builder(client).address("127.0.0.1").name(name)
        .resources(Map.of("CPU", cpus)).heartbeatPeriod(Duration.ofMillis(200))
        .hostActors(ActorHosting.immediate()).build();
    a.start().get(30, TimeUnit.SECONDS);
    agents.add(a);
    return a;
  }

  private static byte[] randomId(int n) {
    byte[] b = new byte[n];
    new java.util.Random().nextBytes(b);
    return b;
  }

  private ActorTableData register(String cls, String name, long maxRestarts, byte[] job) {
    byte[] id = randomId(16);
    ActorTableData.Builder spec = ActorTableData.newBuilder().setActorId(ByteString.copyFrom(id))
        .setJobId(ByteString.copyFrom(job)).setClassName(cls).setMaxRestarts(maxRestarts)
        .putRequiredResources("CPU", 1.0);
    if (name != null) {
      spec.setName(name);
    }
    client.actors().registerActor(spec.build());
    return spec.build();
  }

  private ActorTableData awaitActor(byte[] id, Predicate<ActorTableData> p, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    ActorTableData last = null;
    while (System.nanoTime() < deadline) {
      last = client.actors().getActorInfo(id).orElse(null);
      if (last != null && p.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("actor never " + what + "; last: " + last);
  }

  private Run gcsctl(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("--endpoints", cluster.endpoints()));
    all.addAll(List.of(args));
    int code = Gcsctl.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), all.toArray(String[]::new));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  @Order(1) // needs to be alone with its nodes
  void actorRestartsOnAnotherNodeThenDiesWithItsSecondNode() throws Exception {
    NodeAgent a = agent("A", 1);
    ActorTableData spec = register("Restartable", null, 1, randomId(4));
    byte[] id = spec.getActorId().toByteArray();
    ActorTableData alive = client.actors().createActor(id, true, Duration.ofSeconds(30));
    assertEquals(ActorState.ALIVE, alive.getState(), alive.toString());
    assertTrue(Arrays.equals(a.nodeId(), alive.getNodeId().toByteArray()));
    assertEquals(NodeIds.LENGTH, alive.getAddress().getWorkerId().size());
    assertEquals(1, a.actorsStarted());

    NodeAgent b = agent("B", 1);
    a.close(); // unregisters A: a node death
    ActorTableData onB = awaitActor(id, x -> x.getState() == ActorState.ALIVE
        && Arrays.equals(b.nodeId(), x.getNodeId().toByteArray()), "ALIVE on B");
    assertEquals(1, onB.getNumRestarts());
    assertFalse(onB.getAddress().getWorkerId().equals(alive.getAddress().getWorkerId()));

    NodeAgent c = agent("C", 1); // free capacity: must stay unused
    b.close();
    ActorTableData dead = awaitActor(id, x -> x.getState() == ActorState.DEAD, "DEAD");
    assertEquals(ActorDeathCause.Kind.NODE_DIED, dead.getDeathCause().getKind(),
        dead.toString());
    assertTrue(dead.getNodeId().isEmpty(), dead.toString());
    assertEquals(1, dead.getNumRestarts());
    Thread.sleep(1000); // a few scheduler periods
    ActorTableData later = client.actors().getActorInfo(id).orElseThrow();
    assertEquals(ActorState.DEAD, later.getState());
    assertEquals(dead.getPlacementAttempt(), later.getPlacementAttempt());
    assertEquals(0, c.actorsStarted());
    assertTrue(client.actors().getNodeAssignments(c.nodeId()).actors().isEmpty());
    c.close();
  }

  @Test
  @Order(2)
  void actorsListGetKillAndSummary() throws Exception {
    agent("D", 8);
    byte[] job = randomId(4);
    List<byte[]> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ActorTableData spec = register(i < 2 ? "Worker" : "Named", i == 2 ? "the-one" : null, 0,
          job);
      ids.add(spec.getActorId().toByteArray());
      ActorTableData r = client.actors().createActor(spec.getActorId().toByteArray(), true,
          Duration.ofSeconds(30));
      assertEquals(ActorState.ALIVE, r.getState());
    }
    String jobHex = HEX.formatHex(job);

    Run list = gcsctl("actors", "list", "-o", "json", "--filter", "state=ALIVE", "--filter",
        "job=" + jobHex);
    assertEquals(0, list.code(), list.err());
    JsonObject j = list.json();
    JsonArray actors = j.getAsJsonArray("actors");
    assertEquals(3, actors.size());
    assertEquals(j.get("total").getAsLong() - 3, j.get("num_filtered").getAsLong());
    assertTrue(j.get("revision").getAsLong() > 0);
    for (JsonElement e : actors) {
      JsonObject a = e.getAsJsonObject();
      assertEquals("ALIVE", a.get("state").getAsString());
      assertEquals(jobHex, a.get("job_id").getAsString());
      assertTrue(a.get("actor_id").getAsString().matches("[0-9a-f]{32}"), a.toString());
      assertTrue(a.get("node_id").getAsString().matches("[0-9a-f]{56}"), a.toString());
      assertTrue(a.get("death_cause").isJsonNull());
    }
    Run limited = gcsctl("actors", "list", "-o", "json", "--filter", "job=" + jobHex,
        "--limit", "1");
    assertEquals(1, limited.json().getAsJsonArray("actors").size());
    Run named = gcsctl("actors", "list", "-o", "json", "--filter", "name=the-one");
    assertEquals(1, named.json().getAsJsonArray("actors").size());
    Run table = gcsctl("actors", "list", "--filter", "job=" + jobHex);
    assertEquals(0, table.code(), table.err());
    assertTrue(table.out().contains("ACTOR_ID") && table.out().contains("Worker"), table.out());
    Run bad = gcsctl("actors", "list", "--filter", "state=SLEEPING");
    assertEquals(ExitCodes.USAGE, bad.code());

    String victim = HEX.formatHex(ids.get(0));
    Run kill = gcsctl("actors", "kill", victim, "--no-restart");
    assertEquals(0, kill.code(), kill.err());
    ActorTableData dead = awaitActor(ids.get(0), x -> x.getState() == ActorState.DEAD, "DEAD");
    assertEquals(ActorDeathCause.Kind.RAY_KILL, dead.getDeathCause().getKind());
    Run get = gcsctl("actors", "get", victim, "-o", "json");
    assertEquals(0, get.code(), get.err());
    assertEquals("DEAD", get.json().get("state").getAsString());
    assertEquals("RAY_KILL", get.json().getAsJsonObject("death_cause").get("kind").getAsString());
    assertEquals(victim, get.json().get("actor_id").getAsString());
    assertEquals(ExitCodes.NOT_FOUND, gcsctl("actors", "get", "00ff").code());

    Run summary = gcsctl("summary", "actors", "-o", "json");
    assertEquals(0, summary.code(), summary.err());
    JsonObject s = summary.json();
    JsonObject worker = s.getAsJsonObject("by_class").getAsJsonObject("Worker");
    assertEquals(2, worker.get("total").getAsLong());
    assertEquals(1, worker.getAsJsonObject("state_counts").get("ALIVE").getAsLong());
    assertEquals(1, worker.getAsJsonObject("state_counts").get("DEAD").getAsLong());
    assertTrue(s.getAsJsonObject("by_state").get("ALIVE").getAsLong() >= 2);
    Run summaryTable = gcsctl("summary", "actors");
    assertTrue(summaryTable.out().contains("Named") && summaryTable.out().contains("ALIVE: 1"),
        summaryTable.out());

    // The client's other reads.
    assertEquals(HEX.formatHex(ids.get(2)), HEX.formatHex(client.actors()
        .getNamedActorInfo("the-one", "").orElseThrow().getActorId().toByteArray()));
    assertTrue(client.actors().listNamedActors(null).stream()
        .anyMatch(n -> n.getName().equals("the-one")));
  }

  @Test
  @Order(3)
  void membersList() {
    Run r = gcsctl("members", "list", "-o", "json");
    assertEquals(0, r.code(), r.err());
    JsonArray members = r.json().getAsJsonArray("members");
    assertEquals(3, members.size());
    long leaders = 0;
    for (JsonElement e : members) {
      JsonObject m = e.getAsJsonObject();
      assertTrue(m.get("reachable").getAsBoolean());
      leaders += m.get("is_leader").getAsBoolean() ? 1 : 0;
      assertFalse(m.get("raft_address").getAsString().isEmpty());
    }
    assertEquals(1, leaders);
    assertEquals(3, client.admin().members().size());
    Run table = gcsctl("members", "list");
    assertTrue(table.out().contains("LEADER"), table.out());
    assertEquals(ExitCodes.NOT_FOUND, gcsctl("members", "remove", "nobody").code());
  }

  @Test
  @Order(4)
  void benchActorsSmall() {
    Run r = gcsctl("bench", "actors", "--nodes", "2", "--actors", "20", "--clients", "4",
        "--heartbeat-ms", "200");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.lastLine().matches("actors_per_s=[0-9.]+ p50_ms=[0-9.]+ p99_ms=[0-9.]+"),
        r.out());
    assertTrue(r.out().contains("errors=0; alive now=20"), r.out());
  }

  @Test
  @Order(5)
  void benchWatchSmall() {
    Run r = gcsctl("bench", "watch", "--subscribers", "3", "--writes", "50", "--writers", "4");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.lastLine().matches("subscribers=3 deliveries=150 p50_ms=[0-9.]+ "
        + "p99_ms=[0-9.]+ write_per_s=[0-9.]+ baseline_write_per_s=[0-9.]+"), r.out());
  }

  @Test
  @Order(6)
  void agentsSharingOneFeedHostTheirActors() throws Exception {
    try (AssignmentFeed feed = AssignmentFeed.start(client)) {
      List<NodeAgent> shared = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        NodeAgent a = NodeAgent.builder(client).address("127.0.0.1").name("shared-" + i)
            .resources(Map.of("CPU", 4.0)).heartbeatPeriod(Duration.ofMillis(200))
            .hostActors(ActorHosting.immediate().withSharedFeed(feed)).build();
        a.start().get(30, TimeUnit.SECONDS);
        shared.add(a);
      }
      byte[] job = randomId(4);
      List<byte[]> ids = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        ids.add(register("Shared", null, 0, job).getActorId().toByteArray());
      }
      for (byte[] id : ids) {
        ActorTableData a = client.actors().createActor(id, true, Duration.ofSeconds(30));
        assertEquals(ActorState.ALIVE, a.getState(), a.toString());
      }
      // An actor is ALIVE once its start report is applied; the agent counts the start when the
      // report's reply reaches it, a moment later.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long started = 0;
      while (System.nanoTime() < deadline) {
        started = shared.stream().mapToLong(NodeAgent::actorsStarted).sum();
        if (started >= ids.size()) {
          break;
        }
        Thread.sleep(20);
      }
      Thread.sleep(500); // a second start of any placement would show here
      started = shared.stream().mapToLong(NodeAgent::actorsStarted).sum();
      assertEquals(ids.size(), started, "each placement started exactly once, on its own node");
      for (NodeAgent a : shared) {
        a.closeAsync().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @Order(7)
  void benchNodeDeathKillsAnAgentProcessAndSeesItsNodeDie() {
    // This cluster's monitor: 3 s timeout. The agent runs as a separate JVM and gets SIGKILL.
    Run r = gcsctl("bench", "node-death", "--runs", "1", "--heartbeat-ms", "200");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.lastLine().matches("runs=1 detect_p50_ms=[0-9]+ detect_max_ms=[0-9]+"), r.out());
    long ms = Long.parseLong(r.lastLine().replaceAll(".*detect_max_ms=", ""));
    assertTrue(ms >= 2000, "declared dead before its timeout could have run out: " + r.out());
  }

  @Test
  @Order(8)
  void benchActorListLoadsAndTimesFilteredListings() {
    Run r = gcsctl("bench", "actor-list", "--load", "300", "--queries", "5");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.lastLine().matches("actors=[0-9]+ job_p50_ms=[0-9.]+ job_p99_ms=[0-9.]+ "
        + "state_p50_ms=[0-9.]+ state_p99_ms=[0-9.]+"), r.out());
    long actors = Long.parseLong(r.lastLine().replaceAll("^actors=([0-9]+) .*", "$1"));
    assertTrue(actors >= 300, r.out());
  }
}
