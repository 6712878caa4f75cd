package io.raftgcs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Entry point of {@code bench/compare}: for each system in turn, start its 3-member cluster, run the
 * workloads, stop it; then print the table. Only one system runs at a time.
 */
public final class Compare {
  private Compare() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    Set<String> only = new LinkedHashSet<>();
    Set<String> rows = new LinkedHashSet<>();
    Path work = null;
    Path root = Path.of(".");
    Path out = null;
    Path serverJar = null;
    List<Path> merge = new ArrayList<>();
    String zkClasspath = "/usr/share/java/zookeeper.jar";
    String etcdBinary = "/usr/bin/etcd";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--only" -> only.addAll(List.of(args[++i].split(",")));
        case "--rows" -> rows.addAll(List.of(args[++i].split(",")));
        case "--workdir" -> work = Path.of(args[++i]);
        case "--root" -> root = Path.of(args[++i]);
        case "--server-jar" -> serverJar = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--merge" -> merge.add(Path.of(args[++i]));
        case "--zk-classpath" -> zkClasspath = args[++i];
        case "--etcd" -> etcdBinary = args[++i];
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    if (work == null) {
      work = Files.createTempDirectory("raftgcs-compare");
    }
    if (only.isEmpty()) {
      only.addAll(List.of("raftgcs", "etcd", "zk"));
    }
    Workloads.Plan plan = quick ? Workloads.Plan.quick() : Workloads.Plan.full();
    List<Result> results = new ArrayList<>();
    boolean first = true;
    for (String sys : only) {
      Cluster cluster = switch (sys) {
        case "raftgcs" -> new Cluster.Raftgcs(work.resolve("raftgcs"),
            (serverJar != null ? serverJar : root.resolve("server/target/gcs-server.jar")).toAbsolutePath(), 27101, 27001);
        case "etcd" -> new Cluster.Etcd(work.resolve("etcd"), etcdBinary, 27201, 27211);
        case "zk" -> new Cluster.Zk(work.resolve("zk"), zkClasspath, 27301, 27311, 27321);
        default -> throw new IllegalArgumentException("unknown system: " + sys + " (raftgcs|etcd|zk)");
      };
      flushDirtyPages();
      Workloads.log("== %s: starting 3 members under %s; load average: %s", sys, work.resolve(sys), loadavg());
      try (cluster) {
        cluster.startAll();
        try (Driver d = connect(sys, cluster)) {
          Workloads.awaitHealthy(d, java.time.Duration.ofSeconds(90));
          if (d instanceof RaftgcsDriver r) {
            r.connectToLeader();
          }
          Workloads.log("%s healthy, leader m%d", sys, d.leaderIndex() + 1);
          List<Result> rs = Workloads.run(cluster, d, plan, rows, first);
          first = false;
          results.addAll(rs);
          if (out != null) {
            save(out, results);
          }
        }
      } catch (Exception e) {
        Workloads.log("%s FAILED: %s", sys, e);
        e.printStackTrace();
      }
      Workloads.log("== %s stopped; load average: %s", sys, loadavg());
    }
    for (Path m : merge) {
      for (String line : Files.readAllLines(m)) {
        if (line.isBlank()) {
          continue;
        }
        Result r = Result.fromTsv(line);
        if (!only.contains(r.system())) {
          results.add(r);
        }
      }
    }
    results.sort(java.util.Comparator.comparingInt((Result r) -> order(r.workload()))
        .thenComparingInt(r -> List.of("raftgcs", "etcd", "zk").indexOf(r.system())));
    if (out != null) {
      save(out, results);
    }
    System.out.println();
    System.out.print(Table.render(results));
    System.out.println(Table.acceptanceLine(results));
  }

  static int order(String workload) {
    String[] known = {"put c=1", "put c=16", "put c=64", "put c=256", "get lin c=1", "get lin c=64",
        "get lin c=256", "get lin-any c=64", "get stale c=64", "watch", "failover"};
    for (int i = 0; i < known.length; i++) {
      if (workload.equals(known[i]) || (i >= 9 && workload.startsWith(known[i]))) {
        return i;
      }
    }
    return known.length;
  }

  private static void save(Path out, List<Result> results) throws IOException {
    StringBuilder sb = new StringBuilder();
    results.forEach(r -> sb.append(r.tsv()).append('\n'));
    Files.writeString(out, sb.toString());
  }

  private static Driver connect(String sys, Cluster c) throws Exception {
    Callable<Driver> make = switch (sys) {
      case "raftgcs" -> () -> new RaftgcsDriver(c.endpoints());
      case "etcd" -> () -> new EtcdDriver(c.endpoints());
      default -> () -> new ZkDriver(c.endpoints());
    };
    Exception last = null;
    for (int attempt = 0; attempt < 30; attempt++) {
      try {
        return make.call();
      } catch (Exception e) {
        last = e;
        Thread.sleep(1000);
      }
    }
    throw last;
  }

  /**
   * Writes every dirty page out before a system starts, so that the kernel's write-back of what came
   * before (the previous system's data and logs, or the script's own set-up: a package install, the
   * copy of a 120 MB server jar) does not share the disk with this system's fsyncs. Each system then
   * starts on a disk with nothing queued; the time the flush took is logged.
   */
  static void flushDirtyPages() {
    long t0 = System.nanoTime();
    try {
      Process p = new ProcessBuilder("sync").inheritIO().start();
      if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        Workloads.log("sync did not finish in 120 s; going on");
        return;
      }
    } catch (IOException e) {
      Workloads.log("sync failed: %s; going on", e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Workloads.log("dirty pages written out in %d ms", (System.nanoTime() - t0) / 1_000_000);
  }

  static String loadavg() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
