package io.raftgcs.proof;

import io.raftgcs.client.GcsClient;
import io.raftgcs.client.MemberReport;
import io.raftgcs.client.SubscribeOptions;
import io.raftgcs.client.Subscription;
import io.raftgcs.client.GcsException;
import io.raftgcs.proto.EventBatch;
import io.raftgcs.proto.MemberStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One proof run: cluster, workload, nemesis, then every checker. */
public final class ProofRun {

  public record Config(long durationMs, int replicas, long seed, List<Nemesis.Kind> faults, int registerWorkers,
      int setWorkers, int keys, long thinkMicros, long budgetMsPerKey, Path keepDir, boolean keepAlways,
      List<String> serverArgs, int minFaults, boolean tables) {
    public static Config defaults(long durationMs, int replicas, long seed, List<Nemesis.Kind> faults) {
      return new Config(durationMs, replicas, seed, faults, 4, 2, 8, 2000, 20_000, null, false,
          // The watch checker replays the whole committed history from revision 1 at the end, so the
          // servers keep all of it (the default bound of 100,000 revisions is shorter than a long run).
          List.of("--snapshot-threshold", "500", "--log-segment-bytes", "65536",
              "--event-history", "100000000", "--event-history-bytes", "8000000000"),
          faults.isEmpty() ? 0 : 1, true);
    }
  }

  public record Report(long ops, long okOps, long failedOps, long unknownOps, int faults, int lost, long violations,
      long unknown, int watchAnomalies, int digestMismatches, long failoverP50, long failoverP99, Path kept,
      List<String> problems) {
    public boolean passed() {
      return lost == 0 && violations == 0 && watchAnomalies == 0 && digestMismatches == 0;
    }

    public String finalLine() {
      return "ops=" + ops + " faults=" + faults + " lost=" + lost + " violations=" + violations + " unknown=" + unknown
          + " watch_anomalies=" + watchAnomalies + " digest_mismatches=" + digestMismatches
          + " failover_p50_ms=" + failoverP50 + " failover_p99_ms=" + failoverP99;
    }
  }

  private static final String SENTINEL_KEY = Workload.REG_PREFIX + "zz-end";

  private final Config cfg;
  private final PrintStream out;

  public ProofRun(Config cfg, PrintStream out) {
    this.cfg = cfg;
    this.out = out;
  }

  public Report run() throws Exception {
    Path root = cfg.keepDir() != null ? Files.createDirectories(cfg.keepDir())
        : Files.createTempDirectory("raftgcs-proof-");
    out.println("seed=" + cfg.seed() + " replicas=" + cfg.replicas() + " duration=" + cfg.durationMs() / 1000 + "s faults="
        + cfg.faults().stream().map(k -> k.flag).collect(Collectors.joining(",")) + " workers=" + cfg.registerWorkers()
        + "+" + cfg.setWorkers() + " keys=" + cfg.keys() + " dir=" + root);
    List<String> problems = new ArrayList<>();
    long t0 = System.nanoTime();
    // two spare slots for the membership fault to add (3 -> 5 -> 3, 5 -> 3 -> 5)
    int slots = cfg.replicas() + (cfg.faults().contains(Nemesis.Kind.MEMBERSHIP) ? 2 : 0);
    ServerCluster cluster = new ServerCluster(cfg.replicas(), slots, root, cfg.serverArgs());
    Thread reaper = new Thread(cluster::close, "proof-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    List<Op> history;
    List<Nemesis.Event> faults;
    List<WatchChecker.Batch> live = new CopyOnWriteArrayList<>();
    List<String> liveErrors = new CopyOnWriteArrayList<>();
    List<WatchChecker.Batch> committed = new ArrayList<>();
    Map<String, String> finalState = new HashMap<>();
    List<MemberStatus> finalStatus = new ArrayList<>();
    int digestMismatches = 0;
    int watchAnomalies = 0;
    List<String> lost = new ArrayList<>();
    List<String> members = new ArrayList<>();
    Workload wl = null;
    TableWorkload tables = null;
    List<String> tableViolations = new ArrayList<>();
    try {
      cluster.startAll();
      out.println("servers: " + pids(cluster));
      try (GcsClient admin = GcsClient.builder().endpoints(cluster.endpoints())
              .requestTimeout(java.time.Duration.ofMillis(1000)).deadline(java.time.Duration.ofSeconds(3)).build();
          GcsClient watchClient = Workload.newClient(cluster.endpoints())) {
        Nemesis nemesis = new Nemesis(cluster, admin, cfg.faults(), cfg.seed(), () -> System.nanoTime() - t0, out);
        out.println("schedule (seeded): " + nemesis.plan().stream().limit(12)
            .map(s -> s.kind().flag + "(hold " + s.holdMs() + "ms, gap " + s.gapMs() + "ms)")
            .collect(Collectors.joining(" -> ")) + (nemesis.plan().size() > 12 ? " -> ..." : ""));
        if (!nemesis.awaitHealthy(60_000)) {
          throw new IllegalStateException("cluster did not start: " + nemesis.brief());
        }
        Subscription sub = watchClient.subscribe(
            SubscribeOptions.kvPrefix(Workload.NS, Workload.REG_PREFIX).fromRevision(1),
            new Subscription.Listener() {
              @Override
              public void onEvents(EventBatch batch) {
                live.add(WatchChecker.Batch.of(batch));
              }

              @Override
              public void onError(GcsException error) {
                liveErrors.add(error.code() + ": " + error.getMessage());
              }
            });
        wl = new Workload(cluster.endpoints(), cfg.registerWorkers(), cfg.setWorkers(), cfg.keys(), cfg.seed(), t0,
            cfg.thinkMicros());
        wl.start();
        if (cfg.tables()) {
          tables = new TableWorkload(cluster.endpoints(), cfg.seed(), out);
          tables.start();
        }
        long end = System.nanoTime() - t0 + cfg.durationMs() * 1_000_000L;
        nemesis.run(end, cfg.minFaults());
        long left = end - (System.nanoTime() - t0);
        if (left > 0) {
          Thread.sleep(left / 1_000_000);
        }
        // heal anything left and let the cluster settle before the final reads
        cluster.links().heal();
        for (int i : cluster.members()) {
          if (cluster.isStopped(i)) {
            cluster.sigcont(i);
          }
          if (!cluster.isAlive(i)) {
            cluster.start(i);
          }
        }
        if (!nemesis.awaitHealthy(60_000)) {
          problems.add("cluster not healthy after the run: " + nemesis.brief());
        }
        wl.stopAndJoin();
        if (tables != null) {
          tableViolations.addAll(tables.check());
          tableViolations.forEach(v -> problems.add("tables: " + v));
        }
        faults = nemesis.events();
        nemesis.anomalies().forEach(a -> problems.add("nemesis: " + a));
        members.addAll(cluster.ids(cluster.members()));

        // final reads of every register key, recorded as part of the history
        try (GcsClient fin = Workload.newClient(cluster.endpoints())) {
          for (int k = 0; k < cfg.keys(); k++) {
            wl.invoke(fin, -1, Op.Type.GET, Workload.REG_PREFIX + "k" + k, null);
          }
          Op sentinel = wl.invoke(fin, -1, Op.Type.PUT, SENTINEL_KEY, "end-" + cfg.seed());
          if (sentinel.outcome() != Op.Outcome.OK) {
            problems.add("sentinel write failed: " + sentinel);
          }
          // final state, read linearizably
          List<String> keys = fin.kv().keys(Workload.NS, "");
          for (int i = 0; i < keys.size(); i += 500) {
            finalState.putAll(fin.kv().multiGetStrings(Workload.NS, keys.subList(i, Math.min(keys.size(), i + 500))));
          }
        }
        history = wl.history();

        // watch: live stream must reach the sentinel; a fresh one from revision 1 gives the committed sequence
        long upTo = awaitSentinel(live, 30_000);
        if (upTo < 0) {
          watchAnomalies++;
          problems.add("live subscriber never delivered the final write (last revision " + sub.lastRevision()
              + ", errors " + liveErrors + ")");
        }
        sub.close();
        if (!liveErrors.isEmpty()) {
          watchAnomalies += liveErrors.size();
          problems.add("live subscription ended with an error: " + liveErrors);
        }
        try (GcsClient fresh = Workload.newClient(cluster.endpoints())) {
          List<WatchChecker.Batch> got = new CopyOnWriteArrayList<>();
          List<String> freshErr = new CopyOnWriteArrayList<>();
          int l = nemesis.leaderIndex();
          SubscribeOptions o = SubscribeOptions.kvPrefix(Workload.NS, Workload.REG_PREFIX).fromRevision(1);
          Subscription fs = fresh.subscribe(l >= 0 ? o.preferring(cluster.endpoint(l)) : o, new Subscription.Listener() {
            @Override
            public void onEvents(EventBatch batch) {
              got.add(WatchChecker.Batch.of(batch));
            }

            @Override
            public void onError(GcsException error) {
              freshErr.add(error.code() + ": " + error.getMessage() + " oldest=" + error.oldestRevision());
            }
          });
          long freshEnd = awaitSentinel(got, 30_000);
          fs.close();
          committed.addAll(got);
          if (freshEnd < 0) {
            watchAnomalies++;
            problems.add("fresh subscription from revision 1 did not reach the final write: " + freshErr);
          }
          if (upTo > 0 && freshEnd > 0) {
            WatchChecker.Result wr = WatchChecker.check(live, committed, 1, upTo);
            watchAnomalies += wr.anomalies();
            wr.details().forEach(d -> problems.add("watch: " + d));
          }
          List<String> phantoms = WatchChecker.phantomValues(history, committed);
          watchAnomalies += phantoms.size();
          phantoms.forEach(p -> problems.add("watch: committed value nobody wrote: " + p));
          if (freshEnd > 0) {
            List<String> missing = WatchChecker.ackedWritesMissing(history, committed, Workload.REG_PREFIX);
            lost.addAll(missing.stream().map(m -> "acknowledged write not in the committed event stream: " + m).toList());
          }
        }

        // digests: every replica at the same digest index with the same digest
        String digestProblem = awaitDigests(admin, cluster.members().stream().map(cluster::endpoint).toList(), 90_000,
            finalStatus);
        if (digestProblem != null) {
          digestMismatches++;
          problems.add("digests: " + digestProblem);
        }
      }
    } finally {
      if (wl != null) {
        wl.stopAndJoin();
      }
      if (tables != null) {
        tables.close();
      }
      cluster.close();
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException ignored) {
        // shutting down
      }
    }

    lost.addAll(LostWriteChecker.check(history, finalState));
    lost.forEach(l -> problems.add("lost: " + l));
    out.println("checking linearizability of " + history.stream().map(Op::key).distinct().count() + " keys...");
    LinearizabilityChecker.Result lin = LinearizabilityChecker.check(history, cfg.budgetMsPerKey());
    for (LinearizabilityChecker.KeyResult kr : lin.keys()) {
      if (kr.verdict() != LinearizabilityChecker.Verdict.OK) {
        problems.add("linearizability " + kr.verdict() + " key=" + kr.key() + " ops=" + kr.ops() + " states="
            + kr.states() + ": " + kr.detail());
      }
    }
    long maxMs = lin.keys().stream().mapToLong(LinearizabilityChecker.KeyResult::millis).max().orElse(0);
    out.println("linearizability: " + lin.keys().size() + " keys, " + lin.violations() + " violations, "
        + lin.unknown() + " unknown (budget " + cfg.budgetMsPerKey() + " ms/key, slowest " + maxMs + " ms)");

    List<Long> failovers = failovers(faults, history);
    long ok = history.stream().filter(o -> o.outcome() == Op.Outcome.OK).count();
    long failed = history.stream().filter(o -> o.outcome() == Op.Outcome.FAIL).count();
    long unk = history.stream().filter(o -> o.outcome() == Op.Outcome.UNKNOWN).count();
    out.println("faults injected:");
    for (Nemesis.Event e : faults) {
      out.println("  " + e);
    }
    out.println("ops: ok=" + ok + " failed=" + failed + " outcome_unknown=" + unk + "; acknowledged unique writes="
        + history.stream().filter(o -> o.outcome() == Op.Outcome.OK && o.key().startsWith(Workload.SET_PREFIX)).count()
        + "; watch: live=" + live.size() + " committed=" + committed.size() + " revisions");
    out.println("failover ms (leader kill/stop/partition -> next acknowledged write): " + failovers);
    out.println("final members: " + members + "; raft proxies: " + cluster.proxyStats());
    for (MemberStatus s : finalStatus) {
      out.println("  " + s.getId() + " term=" + s.getTerm() + " applied=" + s.getAppliedIndex() + " snapshot="
          + s.getSnapshotIndex() + " log_start=" + s.getLogStartIndex() + " digest=" + s.getDigest() + "@"
          + s.getDigestIndex());
    }
    // "violations" counts both kinds: linearizability of the KV and the tables' invariants.
    Report r = new Report(history.size(), ok, failed, unk, faults.size(), lost.size(),
        lin.violations() + tableViolations.size(), lin.unknown(),
        watchAnomalies, digestMismatches, pct(failovers, 50), pct(failovers, 99), null, problems);
    boolean keep = !r.passed() || cfg.keepAlways() || cfg.keepDir() != null;
    if (keep) {
      writeArtifacts(root, history, faults, live, committed, problems, r);
      r = new Report(r.ops(), ok, failed, unk, r.faults(), r.lost(), r.violations(), r.unknown(), r.watchAnomalies(),
          r.digestMismatches(), r.failoverP50(), r.failoverP99(), root, problems);
    } else {
      deleteTree(root);
    }
    for (String p : problems.subList(0, Math.min(problems.size(), 40))) {
      out.println("PROBLEM " + p);
    }
    if (r.kept() != null) {
      out.println("kept history, fault log and server logs in " + r.kept());
    }
    out.println(r.finalLine());
    out.flush();
    return r;
  }

  private static String pids(ServerCluster c) {
    StringBuilder b = new StringBuilder();
    for (int i : c.members()) {
      b.append(c.id(i)).append(" pid=").append(c.pid(i)).append(" api=").append(c.endpoint(i)).append(" raft=")
          .append(c.peer(i).raftAddress()).append(" (proxy)").append("; ");
    }
    return b.toString();
  }

  private long awaitSentinel(List<WatchChecker.Batch> batches, long timeoutMs) throws InterruptedException {
    String want = "PUT " + SENTINEL_KEY + "=end-" + cfg.seed();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < deadline) {
      for (WatchChecker.Batch b : batches) {
        if (b.events().contains(want)) {
          return b.revision();
        }
      }
      Thread.sleep(100);
    }
    return -1;
  }

  /** Null when every member (by API endpoint) converged; else what differs. */
  private static String awaitDigests(GcsClient admin, List<String> memberEndpoints, long timeoutMs,
      List<MemberStatus> last) throws InterruptedException {
    int n = memberEndpoints.size();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    String why = "";
    while (System.nanoTime() < deadline) {
      List<MemberStatus> st = admin.admin().statusAll().stream().filter(r -> memberEndpoints.contains(r.endpoint()))
          .flatMap(r -> r.status().stream()).toList();
      last.clear();
      last.addAll(st);
      if (st.size() == n && st.stream().map(MemberStatus::getDigestIndex).distinct().count() == 1) {
        if (st.stream().map(MemberStatus::getDigest).distinct().count() == 1) {
          return null;
        }
        why = "different digests at the same index: " + st.stream()
            .map(s -> s.getId() + "=" + s.getDigest() + "@" + s.getDigestIndex()).toList();
        // equal index and different digest is a divergence; no point waiting
        return why;
      }
      why = "not converged: " + st.stream().map(s -> s.getId() + "=" + s.getDigest() + "@" + s.getDigestIndex()
          + "/applied " + s.getAppliedIndex()).toList() + " (" + st.size() + "/" + n + " answered)";
      Thread.sleep(200);
    }
    return why;
  }

  /**
   * Time from each leader kill/pause/partition (both partition kinds target the leader) to the completion of
   * the first acknowledged write invoked after it.
   */
  static List<Long> failovers(List<Nemesis.Event> faults, List<Op> history) {
    List<Op> writes = history.stream().filter(o -> o.isWrite() && o.outcome() == Op.Outcome.OK)
        .sorted(Comparator.comparingLong(Op::invokeNs)).toList();
    List<Long> out = new ArrayList<>();
    for (Nemesis.Event e : faults) {
      if (e.kind() != Nemesis.Kind.KILL_LEADER && e.kind() != Nemesis.Kind.STOP_LEADER
          && e.kind() != Nemesis.Kind.PARTITION_LEADER && e.kind() != Nemesis.Kind.PARTITION_ONEWAY) {
        continue;
      }
      long best = Long.MAX_VALUE;
      for (Op w : writes) {
        if (w.invokeNs() > e.startNs()) {
          best = Math.min(best, w.completeNs());
          if (w.invokeNs() > best) {
            break;
          }
        }
      }
      if (best != Long.MAX_VALUE) {
        out.add((best - e.startNs()) / 1_000_000);
      }
    }
    return out;
  }

  static long pct(List<Long> xs, int p) {
    if (xs.isEmpty()) {
      return 0;
    }
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    int idx = (int) Math.ceil(p / 100.0 * s.size()) - 1;
    return s.get(Math.max(0, Math.min(s.size() - 1, idx)));
  }

  private static void writeArtifacts(Path root, List<Op> history, List<Nemesis.Event> faults,
      List<WatchChecker.Batch> live, List<WatchChecker.Batch> committed, List<String> problems, Report r)
      throws IOException {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(root.resolve("history.jsonl")))) {
      history.stream().sorted(Comparator.comparingLong(Op::invokeNs)).forEach(o -> w.println(o.toJson()));
    }
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(root.resolve("watch-live.jsonl")))) {
      live.forEach(b -> w.println(b.toJson()));
    }
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(root.resolve("watch-committed.jsonl")))) {
      committed.forEach(b -> w.println(b.toJson()));
    }
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(root.resolve("report.txt")))) {
      faults.forEach(e -> w.println("fault " + e));
      problems.forEach(p -> w.println("PROBLEM " + p));
      w.println(r.finalLine());
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // best effort: a temp folder
    }
  }

  static List<MemberReport> none() {
    return List.of();
  }
}
