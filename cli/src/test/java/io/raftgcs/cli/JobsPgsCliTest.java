package io.raftgcs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.raftgcs.client.GcsClient;
import io.raftgcs.client.GcsException;
import io.raftgcs.client.JobClient;
import io.raftgcs.client.NodeAgent;
import io.raftgcs.client.NodeIds;
import io.raftgcs.client.PlacementGroupClient;
import io.raftgcs.proto.Address;
import io.raftgcs.proto.JobConfig;
import io.raftgcs.proto.JobTableData;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementGroupTableData.PlacementGroupState;
import io.raftgcs.proto.PlacementStrategy;
import io.raftgcs.proto.TaskEventData;
import io.raftgcs.proto.TaskEvents;
import io.raftgcs.proto.TaskStatus;
import io.raftgcs.proto.WorkerExitType;
import io.raftgcs.proto.WorkerTableData;
import io.raftgcs.server.testing.MiniGcsCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** gcsctl jobs / pgs / workers / tasks / bench pgs against one real cluster with two agents. */
@Timeout(90)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobsPgsCliTest {
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
    cluster = MiniGcsCluster.start(3, dir);
    client = GcsClient.builder().endpoints(cluster.endpoints()).build();
    for (int i = 0; i < 2; i++) {
      NodeAgent a = NodeAgent.builder(client).address("10.0.1." + (i + 1)).name("pg-node-" + i)
          .resources(Map.of("CPU", 4.0)).build();
      a.start().get(30, TimeUnit.SECONDS);
      agents.add(a);
    }
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
    return new Run(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private static JsonObject byField(JsonArray a, String field, String value) {
    for (JsonElement e : a) {
      if (e.getAsJsonObject().get(field).getAsString().equals(value)) {
        return e.getAsJsonObject();
      }
    }
    throw new AssertionError("no " + field + "=" + value + " in " + a);
  }

  @Test
  @Order(1)
  void jobsListAndGet() {
    JobClient jobs = client.jobs();
    int a = jobs.nextJobId();
    int b = jobs.nextJobId();
    assertTrue(b > a, a + " then " + b);
    jobs.addJob(a, NodeIds.fromHex(agents.get(0).nodeIdHex()), "10.0.1.1", 4242, "ns-a",
        "python a.py");
    jobs.addJob(JobTableData.newBuilder().setJobId(ByteString.copyFrom(JobClient.idBytes(b)))
        .setDriverAddress(Address.newBuilder().setIpAddress("10.0.1.2").setPort(5000))
        .setDriverIpAddress("10.0.1.2").setDriverPid(7)
        .setConfig(JobConfig.newBuilder().setRayNamespace("ns-b")
            .putMetadata("job_submission_id", "raysubmit_1"))
        .setEntrypoint("python b.py").build());
    jobs.markJobFinished(a);
    jobs.markJobFinished(a); // idempotent

    Run r = gcsctl("jobs", "list", "-o", "json");
    assertEquals(0, r.code(), r.err());
    JsonObject j = r.json();
    assertEquals(2, j.get("total").getAsLong());
    assertTrue(j.get("revision").getAsLong() > 0);
    JsonArray list = j.getAsJsonArray("jobs");
    JsonObject ja = byField(list, "job_id", JobClient.hex(a));
    assertTrue(ja.get("job_id").getAsString().matches("[0-9a-f]{8}"));
    assertEquals(a, ja.get("job_id_int").getAsInt());
    assertEquals("FINISHED", ja.get("state").getAsString());
    assertTrue(ja.get("is_dead").getAsBoolean());
    assertTrue(ja.get("end_time_ms").getAsLong() >= ja.get("start_time_ms").getAsLong());
    assertTrue(ja.get("start_time_ms").getAsLong() > 0);
    assertEquals("ns-a", ja.get("namespace").getAsString());
    assertEquals("python a.py", ja.get("entrypoint").getAsString());
    assertEquals(4242, ja.get("driver_pid").getAsLong());
    assertEquals(agents.get(0).nodeIdHex(),
        ja.getAsJsonObject("driver_address").get("node_id").getAsString());
    JsonObject jb = byField(list, "job_id", JobClient.hex(b));
    assertEquals("RUNNING", jb.get("state").getAsString());
    assertEquals(0, jb.get("end_time_ms").getAsLong());
    assertEquals("10.0.1.2", jb.getAsJsonObject("driver_address").get("ip_address").getAsString());
    assertEquals("raysubmit_1", jb.getAsJsonObject("metadata").get("job_submission_id")
        .getAsString());

    Run limited = gcsctl("jobs", "list", "-o", "json", "--limit", "1");
    assertEquals(1, limited.json().getAsJsonArray("jobs").size());
    assertEquals(2, limited.json().get("total").getAsLong());
    Run bySubmission = gcsctl("jobs", "list", "-o", "json", "--id", "raysubmit_1");
    assertEquals(JobClient.hex(b), bySubmission.json().getAsJsonArray("jobs").get(0)
        .getAsJsonObject().get("job_id").getAsString());

    Run get = gcsctl("jobs", "get", JobClient.hex(b), "-o", "json");
    assertEquals(0, get.code(), get.err());
    assertEquals("python b.py", get.json().get("entrypoint").getAsString());
    Run getDecimal = gcsctl("jobs", "get", "#" + a);
    assertEquals(0, getDecimal.code(), getDecimal.err());
    assertTrue(getDecimal.out().contains("FINISHED"), getDecimal.out());
    assertEquals(ExitCodes.NOT_FOUND, gcsctl("jobs", "get", "7fffffff").code());

    Run table = gcsctl("jobs", "list");
    assertTrue(table.out().startsWith("JOB_ID"), table.out());
    assertTrue(table.out().contains("2 shown, 2 total"), table.out());
  }

  @Test
  @Order(2)
  void pgsListGetRemove() {
    PlacementGroupClient pgs = client.placementGroups();
    byte[] spread = pgs.create(List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0)),
        PlacementStrategy.STRICT_SPREAD, "pg-a", "ns", true, null, null);
    PlacementGroupTableData ready = pgs.waitUntilReady(spread, Duration.ofSeconds(20));
    assertEquals(PlacementGroupState.CREATED, ready.getState());
    int job = client.jobs().nextJobId();
    client.jobs().addJob(job, null, "10.0.1.1", 1, "ns", "driver");
    byte[] packed = pgs.create(List.of(Map.of("CPU", 2.0)), PlacementStrategy.PACK, "", "",
        false, JobClient.idBytes(job), null);
    pgs.waitUntilReady(packed, Duration.ofSeconds(20));
    // Infeasible on two nodes: stays PENDING; waiting for it hits its own deadline.
    byte[] pending = pgs.create(List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0),
        Map.of("CPU", 1.0)), PlacementStrategy.STRICT_SPREAD, "", "", true, null, null);
    long t0 = System.nanoTime();
    GcsException timeout = assertThrows(GcsException.class,
        () -> pgs.waitUntilReady(pending, Duration.ofMillis(700)));
    assertEquals(GcsException.Code.DEADLINE_EXCEEDED, timeout.code(), timeout.getMessage());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));

    Run r = gcsctl("pgs", "list", "-o", "json");
    assertEquals(0, r.code(), r.err());
    JsonObject j = r.json();
    assertEquals(3, j.get("total").getAsLong());
    JsonArray list = j.getAsJsonArray("placement_groups");
    assertEquals(3, list.size());
    JsonObject a = byField(list, "placement_group_id", NodeIds.hex(spread));
    assertEquals("CREATED", a.get("state").getAsString());
    assertEquals("STRICT_SPREAD", a.get("strategy").getAsString());
    assertEquals("pg-a", a.get("name").getAsString());
    assertTrue(a.get("is_detached").getAsBoolean());
    Set<String> nodes = new HashSet<>();
    for (JsonElement e : a.getAsJsonArray("bundles")) {
      String n = e.getAsJsonObject().get("node_id").getAsString();
      assertTrue(n.matches("[0-9a-f]{56}"), n);
      nodes.add(n);
      assertEquals(1.0, e.getAsJsonObject().getAsJsonObject("unit_resources").get("CPU")
          .getAsDouble());
    }
    assertEquals(2, nodes.size(), "STRICT_SPREAD puts each bundle on its own node");
    JsonObject p = byField(list, "placement_group_id", NodeIds.hex(packed));
    assertEquals(JobClient.hex(job), p.get("creator_job_id").getAsString());
    JsonObject pend = byField(list, "placement_group_id", NodeIds.hex(pending));
    assertEquals("PENDING", pend.get("state").getAsString());
    assertTrue(pend.getAsJsonArray("bundles").get(0).getAsJsonObject().get("node_id")
        .isJsonNull());

    Run created = gcsctl("pgs", "list", "-o", "json", "--filter", "state=CREATED");
    assertEquals(2, created.json().getAsJsonArray("placement_groups").size());
    assertEquals(1, created.json().get("num_filtered").getAsLong());
    Run limited = gcsctl("pgs", "list", "-o", "json", "--limit", "1");
    assertEquals(1, limited.json().getAsJsonArray("placement_groups").size());
    assertEquals(3, limited.json().get("total").getAsLong());
    assertEquals(ExitCodes.USAGE, gcsctl("pgs", "list", "--filter", "state=BOGUS").code());

    Run get = gcsctl("pgs", "get", NodeIds.hex(spread), "-o", "json");
    assertEquals(0, get.code(), get.err());
    assertEquals("CREATED", get.json().get("state").getAsString());
    assertEquals(2, get.json().getAsJsonArray("bundles").size());
    Run named = gcsctl("pgs", "get", "--name", "pg-a", "-n", "ns", "-o", "json");
    assertEquals(NodeIds.hex(spread), named.json().get("placement_group_id").getAsString());
    Run getTable = gcsctl("pgs", "get", NodeIds.hex(spread));
    assertTrue(getTable.out().contains("bundle[1]"), getTable.out());
    assertEquals(ExitCodes.NOT_FOUND,
        gcsctl("pgs", "get", NodeIds.hex(PlacementGroupClient.randomId())).code());

    for (byte[] id : List.of(spread, pending)) {
      Run rm = gcsctl("pgs", "remove", NodeIds.hex(id));
      assertEquals(0, rm.code(), rm.err());
      assertTrue(rm.out().startsWith("removed " + NodeIds.hex(id)), rm.out());
    }
    assertEquals(0, gcsctl("pgs", "remove", NodeIds.hex(spread)).code(), "idempotent");
    Run after = gcsctl("pgs", "get", NodeIds.hex(spread), "-o", "json");
    if (after.code() == 0) {
      assertEquals("REMOVED", after.json().get("state").getAsString());
    } else {
      assertEquals(ExitCodes.NOT_FOUND, after.code());
    }
    GcsException gone = assertThrows(GcsException.class,
        () -> pgs.waitUntilReady(spread, Duration.ofSeconds(5)));
    assertEquals(GcsException.Code.NOT_FOUND, gone.code());

    // Finishing the creator job removes its non-detached group.
    client.jobs().markJobFinished(job);
    assertEquals(PlacementGroupState.REMOVED, pgs.get(packed)
        .map(PlacementGroupTableData::getState).orElse(PlacementGroupState.REMOVED));
  }

  @Test
  @Order(3)
  void workersList() {
    byte[] alive = NodeIds.random();
    byte[] dead = NodeIds.random();
    for (byte[] id : List.of(alive, dead)) {
      client.workers().add(WorkerTableData.newBuilder()
          .setWorkerAddress(Address.newBuilder().setWorkerId(ByteString.copyFrom(id))
              .setIpAddress("10.0.1.1").setPort(1234))
          .setIsAlive(true).setPid(99).build());
    }
    client.workers().reportFailure(dead, WorkerExitType.USER_ERROR, "boom");
    Run all = gcsctl("workers", "list", "-o", "json");
    assertEquals(0, all.code(), all.err());
    assertEquals(2, all.json().getAsJsonArray("workers").size());
    JsonObject d = byField(all.json().getAsJsonArray("workers"), "worker_id", NodeIds.hex(dead));
    assertFalse(d.get("is_alive").getAsBoolean());
    assertEquals("USER_ERROR", d.get("exit_type").getAsString());
    Run onlyAlive = gcsctl("workers", "list", "-o", "json", "--alive");
    JsonArray w = onlyAlive.json().getAsJsonArray("workers");
    assertEquals(1, w.size());
    assertEquals(NodeIds.hex(alive), w.get(0).getAsJsonObject().get("worker_id").getAsString());
    assertEquals(1, onlyAlive.json().get("num_filtered").getAsLong());
  }

  @Test
  @Order(4)
  void benchPgsSmall() {
    Run r = gcsctl("bench", "pgs", "--nodes", "2", "--groups", "10", "--clients", "2",
        "--bundles", "2", "--strategy", "STRICT_SPREAD");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.lastLine().matches("pgs_per_s=[0-9.]+ p50_ms=[0-9.]+ p99_ms=[0-9.]+"),
        r.out());
    assertTrue(r.out().contains("errors=0"), r.out());
    // The simulated nodes left again, and no bench group holds capacity.
    Run nodes = gcsctl("nodes", "list", "-o", "json", "--filter", "state=ALIVE");
    assertEquals(2, nodes.json().getAsJsonArray("nodes").size(), nodes.out());
    Run created = gcsctl("pgs", "list", "-o", "json", "--filter", "state=CREATED",
        "--filter", "detached=true");
    assertEquals(0, created.json().getAsJsonArray("placement_groups").size(), created.out());
  }

  @Test
  @Order(5)
  void tasksListAgainstLeaderThenPartialAfterFailover() throws Exception {
    int job = client.jobs().nextJobId();
    byte[] jobId = JobClient.idBytes(job);
    byte[] t1 = NodeIds.random();
    byte[] t2 = NodeIds.random();
    client.taskEvents().add(TaskEventData.newBuilder()
        .addEventsByTask(TaskEvents.newBuilder().setTaskId(ByteString.copyFrom(t1))
            .setJobId(ByteString.copyFrom(jobId)).setName("f").setState(TaskStatus.RUNNING)
            .putStateTsMs(TaskStatus.RUNNING_VALUE, 1000))
        .addEventsByTask(TaskEvents.newBuilder().setTaskId(ByteString.copyFrom(t2))
            .setJobId(ByteString.copyFrom(jobId)).setName("g").setState(TaskStatus.FINISHED)
            .putStateTsMs(TaskStatus.FINISHED_VALUE, 2000))
        .build());
    Run r = gcsctl("tasks", "list", "-o", "json", "--job", JobClient.hex(job));
    assertEquals(0, r.code(), r.err());
    JsonObject j = r.json();
    assertEquals(2, j.getAsJsonArray("tasks").size());
    assertTrue(j.get("complete").getAsBoolean(), j.toString());
    JsonObject first = j.getAsJsonArray("tasks").get(0).getAsJsonObject();
    assertEquals(NodeIds.hex(t1), first.get("task_id").getAsString());
    assertEquals("RUNNING", first.get("state").getAsString());
    assertEquals(1000, first.getAsJsonObject("state_ts_ms").get("RUNNING").getAsLong());
    Run finished = gcsctl("tasks", "list", "-o", "json", "--state", "finished");
    assertEquals(1, finished.json().getAsJsonArray("tasks").size());
    Run limited = gcsctl("tasks", "list", "-o", "json", "--limit", "1");
    assertEquals(1, limited.json().getAsJsonArray("tasks").size());
    assertEquals(1, limited.json().get("num_truncated").getAsLong());
    Run table = gcsctl("tasks", "list");
    assertTrue(table.out().startsWith("TASK_ID"), table.out());
    assertFalse(table.out().contains("complete=false"), table.out());
    assertEquals(ExitCodes.USAGE, gcsctl("tasks", "list", "--state", "nope").code());

    // A new leader did not see those events: an explicit, partial answer.
    int old = cluster.leader();
    int next = (old + 1) % cluster.size();
    cluster.transferLeadership(next);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (cluster.leader() == old && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertNotEquals(old, cluster.leader());
    Run partial = gcsctl("tasks", "list", "-o", "json");
    assertEquals(0, partial.code(), partial.err());
    assertFalse(partial.json().get("complete").getAsBoolean(), partial.out());
    assertEquals(0, partial.json().getAsJsonArray("tasks").size());
    Run partialTable = gcsctl("tasks", "list");
    assertTrue(partialTable.out().contains("note: complete=false"), partialTable.out());
  }
}
