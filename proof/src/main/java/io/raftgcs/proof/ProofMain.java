package io.raftgcs.proof;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code proof --duration 60s --replicas 3 --seed S [--faults kill,partition,membership,...]}: the long
 * form. Prints the seed, the fault schedule and, last, one summary line; exits 1 on any lost write,
 * linearizability violation, watch anomaly or digest mismatch (the run's history and server logs are kept).
 */
public final class ProofMain {
  private ProofMain() {}

  static final String USAGE = """
      usage: proof [--duration 60s] [--replicas 3] [--seed S] [--faults LIST] [--workers 4] [--set-workers 2]
                   [--keys 8] [--think-us 2000] [--check-budget 20s] [--keep DIR] [--keep-always]
                   [--min-faults N] [--no-tables]
        --faults: comma list of all (default), none, kill (= kill-leader,kill-follower), kill-leader,
                  kill-follower, kill-all, stop (= stop-leader), wipe, snapshot-install,
                  partition-leader (cut the leader from all others, both ways),
                  partition-oneway (the leader sends but hears nothing, or hears but its messages are dropped),
                  partition (one of the two, per fault), membership (3 -> 5 -> 3 or 5 -> 3 -> 5 under load,
                  removing the leader); "all" has every kind. Raft traffic always goes through a proxy per
                  replica (gcs-server --raft-listen-port behind it); partitions need Linux (/proc)
        --no-tables: KV only; by default 4 simulated nodes also host actors (max_restarts 1) and
                  STRICT_SPREAD groups, and the tables' invariants are checked at the end (counted
                  in violations): no false node death, restarts within budget, no actor run twice,
                  STRICT_SPREAD bundles on distinct nodes
        --min-faults: inject at least N faults even if that runs past --duration (default 1 when faults are on)
      """;

  public static void main(String[] args) {
    int code;
    try {
      code = run(args);
    } catch (IllegalArgumentException e) {
      System.err.println("proof: " + e.getMessage());
      System.err.print(USAGE);
      code = 2;
    } catch (Exception e) {
      e.printStackTrace();
      code = 3;
    }
    System.out.flush();
    System.exit(code);
  }

  static int run(String[] args) throws Exception {
    long duration = 60_000;
    int replicas = 3;
    long seed = System.currentTimeMillis() % 100_000;
    String faults = "all";
    int workers = 4;
    int setWorkers = 2;
    int keys = 8;
    long think = 2000;
    long budget = 20_000;
    Path keep = null;
    boolean keepAlways = false;
    Integer minFaults = null;
    boolean tables = true;
    List<String> rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      String a = rest.remove(0);
      if (a.equals("--keep-always")) {
        keepAlways = true;
        continue;
      }
      if (a.equals("--no-tables")) {
        tables = false;
        continue;
      }
      if (a.equals("-h") || a.equals("--help")) {
        System.out.print(USAGE);
        return 0;
      }
      String v;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        v = a.substring(eq + 1);
        a = a.substring(0, eq);
      } else {
        if (rest.isEmpty()) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        v = rest.remove(0);
      }
      switch (a) {
        case "--duration" -> duration = millis(v);
        case "--replicas" -> replicas = Integer.parseInt(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--faults" -> faults = v;
        case "--workers" -> workers = Integer.parseInt(v);
        case "--set-workers" -> setWorkers = Integer.parseInt(v);
        case "--keys" -> keys = Integer.parseInt(v);
        case "--think-us" -> think = Long.parseLong(v);
        case "--check-budget" -> budget = millis(v);
        case "--keep" -> keep = Path.of(v);
        case "--min-faults" -> minFaults = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (replicas < 1 || replicas > 9) {
      throw new IllegalArgumentException("--replicas must be 1..9");
    }
    ProofRun.Config d = ProofRun.Config.defaults(duration, replicas, seed, Nemesis.Kind.parse(faults));
    ProofRun.Config cfg = new ProofRun.Config(duration, replicas, seed, d.faults(), workers, setWorkers, keys, think,
        budget, keep, keepAlways, d.serverArgs(), minFaults != null ? minFaults : d.minFaults(), tables);
    ProofRun.Report r = new ProofRun(cfg, System.out).run();
    return r.passed() ? 0 : 1;
  }

  /** "60s", "5m", "1500ms", "90" (seconds). */
  static long millis(String v) {
    String s = v.trim().toLowerCase();
    try {
      if (s.endsWith("ms")) {
        return Long.parseLong(s.substring(0, s.length() - 2));
      } else if (s.endsWith("s")) {
        return Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000);
      } else if (s.endsWith("m")) {
        return Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000);
      } else if (s.endsWith("h")) {
        return Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 3_600_000);
      }
      return Math.round(Double.parseDouble(s) * 1000);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad duration '" + v + "'");
    }
  }
}
