package io.raftgcs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.NodeAgent;
import io.raftgcs.server.config.NodeMonitorConfig;
import io.raftgcs.server.testing.MiniGcsCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** gcsctl nodes / status / watch / agent simulate against one real cluster with a few agents. */
@Timeout(90)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliClusterTest {
  private MiniGcsCluster cluster;
  private GcsClient client;
  private final List<NodeAgent> agents = new ArrayList<>();
  private String deadId;

  /** One gcsctl run: exit code, stdout, stderr. */
  record Run(int code, String out, String err) {
    JsonObject json() {
      return JsonParser.parseString(out.trim()).getAsJsonObject();
    }

    List<JsonObject> jsonLines() {
      List<JsonObject> out = new ArrayList<>();
      for (String l : this.out.split("\n")) {
        if (!l.isBlank()) {
          out.add(JsonParser.parseString(l).getAsJsonObject());
        }
      }
      return out;
    }
  }

  @BeforeAll
  void startCluster(@TempDir Path dir) throws Exception {
    cluster = MiniGcsCluster.start(3, dir, cfg -> cfg.withEventHistory(40, 1 << 20)
        .withNodes(new NodeMonitorConfig(200, 3000, 100, 1000)));
    client = GcsClient.builder().endpoints(cluster.endpoints()).build();
    for (int i = 0; i < 3; i++) {
      NodeAgent a = NodeAgent.builder(client).address("10.0.0." + (i + 1)).name("node-" + i)
          .resources(Map.of("CPU", 4.0, "memory", 8e9)).labels(Map.of("rack", "r" + i))
          .head(i == 0).build();
      a.start().get(30, java.util.concurrent.TimeUnit.SECONDS);
      agents.add(a);
    }
    NodeAgent gone = NodeAgent.builder(client).address("10.0.0.9").name("gone")
        .resources(Map.of("CPU", 2.0)).build();
    gone.start().get(30, java.util.concurrent.TimeUnit.SECONDS);
    deadId = gone.nodeIdHex();
    gone.close();
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
  void nodesListJsonWithFilters() {
    Run r = gcsctl("nodes", "list", "-o", "json", "--filter", "state=ALIVE");
    assertEquals(0, r.code(), r.err());
    JsonObject j = r.json();
    JsonArray nodes = j.getAsJsonArray("nodes");
    assertEquals(3, nodes.size());
    assertEquals(4, j.get("total").getAsLong());
    assertEquals(1, j.get("num_filtered").getAsLong());
    assertTrue(j.get("revision").getAsLong() > 0);
    for (JsonElement e : nodes) {
      JsonObject n = e.getAsJsonObject();
      assertEquals("ALIVE", n.get("state").getAsString());
      assertTrue(n.get("node_id").getAsString().matches("[0-9a-f]{56}"), n.toString());
      assertEquals(4.0, n.getAsJsonObject("resources_total").get("CPU").getAsDouble());
      assertTrue(n.get("death_info").isJsonNull());
      assertTrue(n.get("drain").isJsonNull());
      assertTrue(n.has("labels") && n.has("is_head_node") && n.has("address") && n.has("name"));
    }

    Run head = gcsctl("nodes", "list", "-o", "json", "--filter", "head=true");
    assertEquals(1, head.json().getAsJsonArray("nodes").size());
    assertEquals("node-0", head.json().getAsJsonArray("nodes").get(0).getAsJsonObject()
        .get("name").getAsString());
    Run byAddress = gcsctl("nodes", "list", "-o", "json", "--filter", "address=10.0.0.2",
        "--filter", "name=node-1");
    assertEquals(1, byAddress.json().getAsJsonArray("nodes").size());
    Run dead = gcsctl("nodes", "list", "-o", "json", "--filter", "state=DEAD");
    JsonObject d = dead.json().getAsJsonArray("nodes").get(0).getAsJsonObject();
    assertEquals(deadId, d.get("node_id").getAsString());
    assertEquals("EXPECTED_TERMINATION",
        d.getAsJsonObject("death_info").get("reason").getAsString());
    Run byId = gcsctl("nodes", "list", "-o", "json", "--filter", "id=" + deadId);
    assertEquals(1, byId.json().getAsJsonArray("nodes").size());
    Run limited = gcsctl("nodes", "list", "-o", "json", "--limit", "2");
    assertEquals(2, limited.json().getAsJsonArray("nodes").size());
    assertEquals(4, limited.json().get("total").getAsLong());

    Run table = gcsctl("nodes", "list");
    assertEquals(0, table.code());
    assertTrue(table.out().startsWith("NODE_ID"), table.out());
    assertTrue(table.out().contains("4 shown, 4 total, 0 filtered out"), table.out());

    assertEquals(ExitCodes.USAGE, gcsctl("nodes", "list", "--filter", "color=red").code());
    assertEquals(ExitCodes.USAGE, gcsctl("nodes", "list", "--filter", "state=ZOMBIE").code());
  }

  @Test
  void nodesGetAndDrain() {
    String id = agents.get(2).nodeIdHex();
    Run get = gcsctl("nodes", "get", id, "-o", "json");
    assertEquals(0, get.code(), get.err());
    assertEquals("node-2", get.json().get("name").getAsString());
    assertEquals(ExitCodes.NOT_FOUND, gcsctl("nodes", "get", "ab".repeat(28)).code());
    assertEquals(ExitCodes.USAGE, gcsctl("nodes", "get", "xyz").code());

    Run drain = gcsctl("nodes", "drain", id, "--reason", "preemption", "--deadline-ms", "12345",
        "--message", "spot", "-o", "json");
    assertEquals(0, drain.code(), drain.err());
    assertTrue(drain.json().get("accepted").getAsBoolean());
    JsonObject after = gcsctl("nodes", "get", id, "-o", "json").json();
    assertEquals("DRAIN_PREEMPTION", after.getAsJsonObject("drain").get("reason").getAsString());
    assertEquals(12345, after.getAsJsonObject("drain").get("deadline_ms").getAsLong());
  }

  @Test
  void statusShowsMembersAndTheCluster() {
    Run r = gcsctl("status", "-o", "json");
    assertEquals(0, r.code(), r.err());
    JsonObject j = r.json();
    assertEquals(3, j.getAsJsonArray("members").size());
    assertTrue(j.get("leader").getAsString().matches("n[123]"));
    assertEquals(3, j.getAsJsonObject("nodes").get("alive").getAsLong());
    assertEquals(1, j.getAsJsonObject("nodes").get("dead").getAsLong());
    JsonObject cpu = j.getAsJsonObject("resources").getAsJsonObject("CPU");
    assertEquals(12.0, cpu.get("total").getAsDouble());
    assertEquals(0.0, cpu.get("used").getAsDouble());
    assertEquals(24e9, j.getAsJsonObject("resources").getAsJsonObject("memory")
        .get("total").getAsDouble());
    List<String> keys = new ArrayList<>(j.keySet());
    assertEquals(List.of("members", "leader", "nodes", "resources"), keys);

    Run t = gcsctl("status");
    assertTrue(t.out().contains("Nodes: 3 alive, 1 dead"), t.out());
    assertTrue(t.out().contains("0/12 CPU"), t.out());
  }

  @Test
  void watchKvPrintsOneJsonObjectPerEventAndStopsCleanly() throws Exception {
    AtomicInteger code = new AtomicInteger(-1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    Thread t = new Thread(() -> code.set(Gcsctl.run(ps, System.err, "--endpoints",
        cluster.endpoints(), "watch", "kv", "w/", "--namespace", "wns", "-o", "json")));
    t.start();
    // The watch starts "from now": wait until it is attached before writing.
    waitForSubscribers(1);
    client.kv().put("wns", "w/a", "1", true);
    client.kv().put("wns", "elsewhere", "x", true);
    client.kv().put("wns", "w/b", new String(new byte[] {(byte) 0xff}, StandardCharsets.ISO_8859_1),
        true);
    client.kv().put("wns", new byte[] {'w', '/', (byte) 0xff}, new byte[] {1, (byte) 0xfe}, true);
    client.kv().del("wns", "w/a");
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (out.toString(StandardCharsets.UTF_8).split("\n").length < 4
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    t.interrupt(); // as SIGINT/SIGTERM: the command stops cleanly
    t.join(10_000);
    assertEquals(0, code.get());
    List<JsonObject> lines = new Run(0, out.toString(StandardCharsets.UTF_8), "").jsonLines();
    assertEquals(4, lines.size(), out.toString(StandardCharsets.UTF_8));
    JsonObject first = lines.get(0);
    assertEquals(List.of("revision", "key", "kind", "value"), new ArrayList<>(first.keySet()));
    assertEquals("w/a", first.get("key").getAsString());
    assertEquals("PUT", first.get("kind").getAsString());
    assertEquals("1", first.get("value").getAsString());
    assertEquals("base64", lines.get(2).get("encoding").getAsString());
    assertEquals("DELETE", lines.get(3).get("kind").getAsString());
    assertTrue(lines.get(3).get("revision").getAsLong() > first.get("revision").getAsLong());
  }

  @Test
  void watchFromRevisionMaxEventsAndCompactedStart() {
    long before = client.kv().keys("fr", "").size();
    assertEquals(0, before);
    client.kv().put("fr", "a", "1", true);
    long rev = client.lastRevision();
    client.kv().put("fr", "a", "2", true);
    Run r = gcsctl("watch", "kv", "", "-n", "fr", "--from-revision", String.valueOf(rev),
        "--max-events", "2");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().trim().split("\n");
    assertEquals(2, lines.length, r.out());
    assertEquals(rev + " PUT a 1", lines[0]);
    assertTrue(lines[1].matches("\\d+ PUT a 2"), lines[1]);

    // History keeps 40 revisions here: push the start out of it.
    for (int i = 0; i < 50; i++) {
      client.kv().put("fr", "b", "v" + i, true);
    }
    Run old = gcsctl("watch", "kv", "", "-n", "fr", "--from-revision", "1");
    assertEquals(ExitCodes.COMPACTED, old.code(), old.err());
    assertTrue(old.err().contains("oldest available revision is"), old.err());
  }

  @Test
  @Order(Integer.MAX_VALUE) // adds nodes: runs last
  void watchNodesAndAgentSimulate() throws Exception {
    AtomicInteger code = new AtomicInteger(-1);
    ByteArrayOutputStream wout = new ByteArrayOutputStream();
    PrintStream wps = new PrintStream(wout, true, StandardCharsets.UTF_8);
    int subsBefore = totalSubscribers();
    Thread watcher = new Thread(() -> code.set(Gcsctl.run(wps, System.err, "--endpoints",
        cluster.endpoints(), "watch", "nodes", "-o", "json", "--max-events", "10")));
    watcher.start();
    waitForSubscribers(subsBefore + 1);

    Run sim = gcsctl("agent", "simulate", "--nodes", "5", "--heartbeat-ms", "200",
        "--resources", "CPU=2,memory=1e9", "--name-prefix", "sim", "--duration", "2s",
        "--stats-interval", "500ms", "-o", "json");
    assertEquals(0, sim.code(), sim.err());
    List<JsonObject> lines = sim.jsonLines();
    JsonObject registered = lines.stream()
        .filter(l -> l.get("event").getAsString().equals("registered")).findFirst().orElseThrow();
    assertEquals(5, registered.get("nodes").getAsLong());
    assertTrue(lines.stream().anyMatch(l -> l.get("event").getAsString().equals("stats")
        && l.get("registered").getAsLong() == 5 && l.get("heartbeats_per_s").getAsDouble() > 0));
    JsonObject summary = lines.get(lines.size() - 2);
    assertEquals("summary", summary.get("event").getAsString());
    assertTrue(summary.get("heartbeats").getAsLong() > 0, summary.toString());
    assertTrue(summary.get("heartbeat_p99_ms").getAsDouble() >= summary.get("heartbeat_p50_ms").getAsDouble());
    JsonObject last = lines.get(lines.size() - 1);
    assertEquals("stopped", last.get("event").getAsString());
    assertEquals(5, last.get("unregistered").getAsLong());

    JsonObject dead = gcsctl("nodes", "list", "-o", "json", "--filter", "state=DEAD").json();
    long simDead = 0;
    for (JsonElement e : dead.getAsJsonArray("nodes")) {
      JsonObject n = e.getAsJsonObject();
      if (n.get("name").getAsString().startsWith("sim-")) {
        simDead++;
        assertEquals("EXPECTED_TERMINATION",
            n.getAsJsonObject("death_info").get("reason").getAsString());
      }
    }
    assertEquals(5, simDead);

    // The node watch saw 5 registrations and 5 deaths.
    watcher.join(15_000);
    assertEquals(0, code.get());
    List<JsonObject> events = new Run(0, wout.toString(StandardCharsets.UTF_8), "").jsonLines();
    assertEquals(10, events.size());
    long alive = events.stream().filter(e -> e.getAsJsonObject("node").get("state")
        .getAsString().equals("ALIVE")).count();
    assertEquals(5, alive);
  }

  private int totalSubscribers() {
    int n = 0;
    for (int i = 0; i < cluster.size(); i++) {
      if (cluster.isUp(i)) {
        n += cluster.server(i).eventBus().subscriberCount();
      }
    }
    return n;
  }

  private void waitForSubscribers(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (totalSubscribers() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no subscriber attached");
      }
      Thread.sleep(10);
    }
  }
}
