package io.raftgcs.proof;

import io.raftgcs.client.GcsClient;
import io.raftgcs.client.MemberReport;
import io.raftgcs.proto.MemberStatus;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Injects faults one at a time on a plan drawn from the seed: inject, hold, heal, wait until the
 * cluster is whole again (every replica up, one leader, applied indexes close), a quiet gap, next.
 */
public final class Nemesis {
  public enum Kind {
    KILL_LEADER("kill-leader"), KILL_FOLLOWER("kill-follower"), KILL_ALL("kill-all"), STOP_LEADER("stop-leader"),
    WIPE("wipe"), SNAPSHOT_INSTALL("snapshot-install"), PARTITION("partition");

    public final String flag;

    Kind(String flag) {
      this.flag = flag;
    }

    public static List<Kind> parse(String list) {
      List<Kind> out = new ArrayList<>();
      for (String s : list.split(",")) {
        String f = s.trim().toLowerCase();
        switch (f) {
          case "" -> { }
          case "none" -> { }
          case "all" -> out.addAll(List.of(KILL_LEADER, KILL_FOLLOWER, KILL_ALL, STOP_LEADER, WIPE, SNAPSHOT_INSTALL));
          case "kill" -> out.addAll(List.of(KILL_LEADER, KILL_FOLLOWER));
          case "stop", "pause" -> out.add(STOP_LEADER);
          case "snapshot", "purge" -> out.add(SNAPSHOT_INSTALL);
          default -> {
            Kind k = null;
            for (Kind x : values()) {
              if (x.flag.equals(f)) {
                k = x;
              }
            }
            if (k == null) {
              throw new IllegalArgumentException("unknown fault '" + s + "'; known: all, kill, stop, kill-leader, "
                  + "kill-follower, kill-all, stop-leader, wipe, snapshot-install, partition");
            }
            out.add(k);
          }
        }
      }
      return List.copyOf(new java.util.LinkedHashSet<>(out));
    }
  }

  /** One planned step: which fault, how long to hold it, the quiet gap after healing. */
  public record Step(Kind kind, long holdMs, long gapMs) {}

  /** One injected fault. {@code startNs}/{@code healNs} relative to the run's t0. */
  public record Event(int n, Kind kind, String target, long startNs, long healNs, long recoveredNs, String note) {
    @Override
    public String toString() {
      return String.format("#%d %-16s target=%-6s at=%7.3fs healed=%7.3fs recovered=%7.3fs %s", n, kind.flag, target,
          startNs / 1e9, healNs / 1e9, recoveredNs < 0 ? -1.0 : recoveredNs / 1e9, note);
    }
  }

  private final ServerCluster cluster;
  private final GcsClient admin;
  private final LongSupplier clock;
  private final PrintStream log;
  private final List<Step> plan;
  private final Random rnd;
  private final List<Event> events = Collections.synchronizedList(new ArrayList<>());

  public Nemesis(ServerCluster cluster, GcsClient admin, List<Kind> kinds, long seed, LongSupplier clock, PrintStream log) {
    this.cluster = cluster;
    this.admin = admin;
    this.clock = clock;
    this.log = log;
    this.rnd = new Random(seed ^ 0x5DEECE66DL);
    this.plan = plan(kinds, seed);
  }

  /** The seeded plan: rounds of a shuffled fault list, so each kind comes up. */
  public static List<Step> plan(List<Kind> kinds, long seed) {
    Random r = new Random(seed);
    List<Step> out = new ArrayList<>();
    List<Kind> usable = kinds.stream().filter(k -> k != Kind.PARTITION).toList();
    if (usable.isEmpty()) {
      return out;
    }
    while (out.size() < 200) {
      List<Kind> round = new ArrayList<>(usable);
      Collections.shuffle(round, r);
      for (Kind k : round) {
        long hold = switch (k) {
          case STOP_LEADER -> 1500 + r.nextInt(2500); // > the 300-600 ms election timeout
          case KILL_ALL -> 500 + r.nextInt(2000);
          case SNAPSHOT_INSTALL -> 30_000; // upper bound; healed as soon as the leader purged past the victim
          default -> 1000 + r.nextInt(3000);
        };
        out.add(new Step(k, hold, 1500 + r.nextInt(2500)));
      }
    }
    return out;
  }

  public List<Step> plan() {
    return plan;
  }

  public List<Event> events() {
    synchronized (events) {
      return new ArrayList<>(events);
    }
  }

  /**
   * Runs the plan until {@code endNs}: no new fault starts after it, except that the run goes on past
   * it (by at most five minutes) until at least {@code minFaults} faults were injected, so a slow,
   * loaded machine still gets the faults it was asked for.
   */
  public void run(long endNs, int minFaults) throws Exception {
    int n = 0;
    long hardEnd = endNs + 300_000_000_000L;
    sleepMs(2000);
    for (Step step : plan) {
      boolean owed = n < minFaults && clock.getAsLong() < hardEnd;
      if (!owed && (clock.getAsLong() + step.holdMs() * 1_000_000L > endNs || clock.getAsLong() >= endNs)) {
        break;
      }
      if (!awaitHealthy(60_000)) {
        log.println("nemesis: cluster not healthy before fault " + (n + 1) + ": " + brief());
      }
      n++;
      Event e = inject(n, step);
      long recovered = awaitHealthy(60_000) ? clock.getAsLong() : -1;
      e = new Event(e.n(), e.kind(), e.target(), e.startNs(), e.healNs(), recovered, e.note());
      events.add(e);
      log.println("fault " + e);
      log.flush();
      sleepMs(step.gapMs());
    }
  }

  private Event inject(int n, Step step) throws Exception {
    int leader = leaderIndex();
    int follower = pickOther(leader);
    String note = "";
    long start;
    String target;
    switch (step.kind()) {
      case KILL_LEADER -> {
        int victim = leader >= 0 ? leader : follower;
        target = cluster.id(victim);
        start = clock.getAsLong();
        cluster.kill9(victim);
        sleepMs(step.holdMs());
        cluster.start(victim);
        note = leader >= 0 ? "" : "(no leader found; killed a replica)";
      }
      case KILL_FOLLOWER -> {
        target = cluster.id(follower);
        start = clock.getAsLong();
        cluster.kill9(follower);
        sleepMs(step.holdMs());
        cluster.start(follower);
      }
      case KILL_ALL -> {
        target = "all";
        start = clock.getAsLong();
        for (int i = 0; i < cluster.size(); i++) {
          cluster.kill9(i);
        }
        sleepMs(step.holdMs());
        for (int i = 0; i < cluster.size(); i++) {
          cluster.start(i);
        }
      }
      case STOP_LEADER -> {
        int victim = leader >= 0 ? leader : follower;
        target = cluster.id(victim);
        start = clock.getAsLong();
        cluster.sigstop(victim);
        try {
          sleepMs(step.holdMs());
        } finally {
          cluster.sigcont(victim);
        }
        note = "paused " + step.holdMs() + " ms";
      }
      case WIPE -> {
        target = cluster.id(follower);
        start = clock.getAsLong();
        cluster.kill9(follower);
        cluster.wipe(follower);
        sleepMs(step.holdMs());
        cluster.start(follower);
        note = "data folder deleted";
      }
      case SNAPSHOT_INSTALL -> {
        target = cluster.id(follower);
        long applied = appliedIndex(follower);
        start = clock.getAsLong();
        cluster.kill9(follower);
        long deadline = System.nanoTime() + step.holdMs() * 1_000_000L;
        long logStart = -1;
        while (System.nanoTime() < deadline) {
          sleepMs(1000);
          for (int i = 0; i < cluster.size(); i++) {
            if (i != follower) {
              try {
                admin.admin().takeSnapshot(cluster.endpoint(i));
              } catch (RuntimeException ignored) {
                // a replica may be busy or electing; try again next round
              }
            }
          }
          int l = leaderIndex();
          if (l >= 0 && l != follower) {
            logStart = statusOf(l) == null ? -1 : statusOf(l).getLogStartIndex();
            if (logStart > applied + 1) {
              break;
            }
          }
        }
        cluster.start(follower);
        note = logStart > applied + 1 ? "leader log starts at " + logStart + " > victim's applied " + applied
            : "PURGE NOT REACHED (leader log start " + logStart + ", victim applied " + applied + ")";
      }
      default -> throw new IllegalStateException(step.kind() + " is not supported");
    }
    return new Event(n, step.kind(), target, start, clock.getAsLong(), -1, note);
  }

  private int pickOther(int leader) {
    List<Integer> c = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      if (i != leader) {
        c.add(i);
      }
    }
    return c.get(rnd.nextInt(c.size()));
  }

  /** Every replica answers, exactly one claims leadership, applied indexes within 200 of each other. */
  public boolean awaitHealthy(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < deadline) {
      List<MemberReport> rs = admin.admin().statusAll();
      if (rs.stream().allMatch(MemberReport::reachable) && rs.size() == cluster.size()) {
        long leaders = rs.stream().filter(r -> r.status().get().getIsLeader()).count();
        long min = rs.stream().mapToLong(r -> r.status().get().getAppliedIndex()).min().orElse(0);
        long max = rs.stream().mapToLong(r -> r.status().get().getAppliedIndex()).max().orElse(0);
        if (leaders == 1 && max - min <= 200) {
          return true;
        }
      }
      Thread.sleep(200);
    }
    return false;
  }

  public String brief() {
    StringBuilder b = new StringBuilder();
    for (MemberReport r : admin.admin().statusAll()) {
      b.append(r.memberId()).append('=');
      if (r.status().isPresent()) {
        MemberStatus s = r.status().get();
        b.append(s.getRole()).append("/t").append(s.getTerm()).append("/a").append(s.getAppliedIndex()).append(' ');
      } else {
        b.append("down ");
      }
    }
    return b.toString().trim();
  }

  int leaderIndex() {
    long bestTerm = -1;
    int best = -1;
    for (MemberReport r : admin.admin().statusAll()) {
      if (r.status().isPresent() && r.status().get().getIsLeader() && r.status().get().getTerm() > bestTerm) {
        bestTerm = r.status().get().getTerm();
        best = cluster.indexOf(r.status().get().getId());
      }
    }
    return best;
  }

  private MemberStatus statusOf(int i) {
    try {
      return admin.admin().status(cluster.endpoint(i));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private long appliedIndex(int i) {
    MemberStatus s = statusOf(i);
    return s == null ? 0 : s.getAppliedIndex();
  }

  private static void sleepMs(long ms) throws InterruptedException {
    Thread.sleep(ms);
  }
}
