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
 * cluster is whole again (every member up, one leader, the same configuration everywhere, applied indexes
 * close), a quiet gap, next.
 *
 * <p><b>Partitions.</b> Raft gives each peer one address that every other peer dials, so a proxy in front
 * of a replica's port cannot be told apart per viewer, and a proxy alone does not know who dialled it. The
 * harness therefore puts one {@link LinkProxy} in front of every replica (the advertised Raft address is the
 * proxy, {@code --raft-listen-port} the real port) and attributes each accepted connection to the replica
 * process that opened it, from the kernel's socket table ({@link ProcSockets}, Linux). With the source
 * known, a proxy carries both directions of every link that ends at its replica: requests the dialler
 * sends and the replies that come back. {@link Links} is the set of cut directed links {@code a -> b};
 * every proxy stalls the bytes of a cut link, on connections either side opened. So
 * <ul>
 *   <li>{@code partition-leader} cuts the leader from every other member, both ways, for the hold: the
 *       majority must elect a new leader and the old one must step down (both are observed through the
 *       unproxied API ports and logged; not seeing them is reported as a problem);
 *   <li>{@code partition-oneway} cuts one direction only between a replica (the leader) and all others:
 *       either it still sends but receives nothing, or it still receives but nothing it sends arrives;
 *   <li>{@code partition} picks one of the two per step (seeded).
 * </ul>
 * A stall is a pause, not a loss of bytes inside a TCP stream (which a real network never causes): what
 * was held is delivered when the link heals, unless gRPC abandoned the connection first.
 *
 * <p><b>Membership.</b> {@code membership} grows and shrinks the group by two under load: 3 → 5 → 3 (or
 * 5 → 3 → 5 when it has five), always removing the current leader in the shrink step; see
 * {@link MembershipFault}.
 */
public final class Nemesis {
  public enum Kind {
    KILL_LEADER("kill-leader"), KILL_FOLLOWER("kill-follower"), KILL_ALL("kill-all"), STOP_LEADER("stop-leader"),
    WIPE("wipe"), SNAPSHOT_INSTALL("snapshot-install"), PARTITION_LEADER("partition-leader"),
    PARTITION_ONEWAY("partition-oneway"), PARTITION("partition"), MEMBERSHIP("membership");

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
          case "all" -> out.addAll(List.of(KILL_LEADER, KILL_FOLLOWER, KILL_ALL, STOP_LEADER, WIPE, SNAPSHOT_INSTALL,
              PARTITION_LEADER, PARTITION_ONEWAY, MEMBERSHIP));
          case "kill" -> out.addAll(List.of(KILL_LEADER, KILL_FOLLOWER));
          case "stop", "pause" -> out.add(STOP_LEADER);
          case "snapshot", "purge" -> out.add(SNAPSHOT_INSTALL);
          case "members" -> out.add(MEMBERSHIP);
          default -> {
            Kind k = null;
            for (Kind x : values()) {
              if (x.flag.equals(f)) {
                k = x;
              }
            }
            if (k == null) {
              throw new IllegalArgumentException("unknown fault '" + s + "'; known: all, kill, stop, kill-leader, "
                  + "kill-follower, kill-all, stop-leader, wipe, snapshot-install, partition, partition-leader, "
                  + "partition-oneway, membership");
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
  private final List<String> anomalies = Collections.synchronizedList(new ArrayList<>());
  private final PartitionFaults partitions;
  private final MembershipFault membership;

  public Nemesis(ServerCluster cluster, GcsClient admin, List<Kind> kinds, long seed, LongSupplier clock, PrintStream log) {
    this.cluster = cluster;
    this.admin = admin;
    this.clock = clock;
    this.log = log;
    // mixed: Random(seed ^ 0x5DEECE66D) cancels Random's own scrambling, and a small seed then starts with false
    this.rnd = new Random(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
    this.plan = plan(kinds, seed);
    this.partitions = new PartitionFaults(this, cluster, rnd);
    this.membership = new MembershipFault(this, cluster, admin, rnd);
  }

  /** The seeded plan: rounds of a shuffled fault list, so each kind comes up; {@code partition} picks one. */
  public static List<Step> plan(List<Kind> kinds, long seed) {
    Random r = new Random(seed);
    List<Step> out = new ArrayList<>();
    if (kinds.isEmpty()) {
      return out;
    }
    while (out.size() < 200) {
      List<Kind> round = new ArrayList<>(kinds);
      Collections.shuffle(round, r);
      for (Kind k : round) {
        if (k == Kind.PARTITION) {
          k = r.nextBoolean() ? Kind.PARTITION_LEADER : Kind.PARTITION_ONEWAY;
        }
        long hold = switch (k) {
          case STOP_LEADER -> 1500 + r.nextInt(2500); // > the 300-600 ms election timeout
          case KILL_ALL -> 500 + r.nextInt(2000);
          case SNAPSHOT_INSTALL -> 30_000; // upper bound; healed as soon as the leader purged past the victim
          case PARTITION_LEADER, PARTITION_ONEWAY -> 2500 + r.nextInt(3000);
          case MEMBERSHIP -> 15_000; // an estimate (two joins, two removals), only to not start one at the end
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

  /** What a fault was expected to cause and did not (e.g. a partitioned leader that kept its leadership). */
  public List<String> anomalies() {
    synchronized (anomalies) {
      return new ArrayList<>(anomalies);
    }
  }

  void anomaly(String what) {
    anomalies.add(what);
    log.println("nemesis: " + what);
  }

  void log(String line) {
    log.println("nemesis: " + line);
    log.flush();
  }

  long now() {
    return clock.getAsLong();
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
    switch (step.kind()) {
      case PARTITION_LEADER -> {
        return partitions.isolateLeader(n, step);
      }
      case PARTITION_ONEWAY -> {
        return partitions.oneWay(n, step);
      }
      case MEMBERSHIP -> {
        return membership.run(n, step);
      }
      default -> { }
    }
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
        List<Integer> all = cluster.members();
        for (int i : all) {
          cluster.kill9(i);
        }
        sleepMs(step.holdMs());
        for (int i : all) {
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
          for (int i : cluster.members()) {
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

  /** A random member other than {@code leader}. */
  int pickOther(int leader) {
    List<Integer> c = new ArrayList<>(cluster.members());
    c.remove(Integer.valueOf(leader));
    return c.get(rnd.nextInt(c.size()));
  }

  /**
   * Every member answers, exactly one of them claims leadership, each reports the configuration the nemesis
   * expects, and applied indexes are within 200 of each other. Replicas outside the configuration are
   * ignored (the nemesis stops and wipes the ones it removes).
   */
  public boolean awaitHealthy(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < deadline) {
      if (healthy()) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  private boolean healthy() {
    List<MemberStatus> st = memberStatuses();
    List<Integer> members = cluster.members();
    if (st.size() != members.size()) {
      return false;
    }
    List<String> want = cluster.ids(members).stream().sorted().toList();
    long leaders = st.stream().filter(MemberStatus::getIsLeader).count();
    long min = st.stream().mapToLong(MemberStatus::getAppliedIndex).min().orElse(0);
    long max = st.stream().mapToLong(MemberStatus::getAppliedIndex).max().orElse(0);
    boolean sameConf = st.stream().allMatch(s -> s.getMembersList().stream().map(m -> m.getId()).sorted().toList()
        .equals(want));
    return leaders == 1 && max - min <= 200 && sameConf;
  }

  /** The answers of the members that answered (by their API endpoint). */
  List<MemberStatus> memberStatuses() {
    List<String> eps = cluster.members().stream().map(cluster::endpoint).toList();
    List<MemberStatus> out = new ArrayList<>();
    for (MemberReport r : admin.admin().statusAll()) {
      if (r.status().isPresent() && eps.contains(r.endpoint())) {
        out.add(r.status().get());
      }
    }
    return out;
  }

  /** Role, term and applied index of every replica that answers or is a member (others are not running). */
  public String brief() {
    StringBuilder b = new StringBuilder();
    List<String> eps = cluster.members().stream().map(cluster::endpoint).toList();
    for (MemberReport r : admin.admin().statusAll()) {
      if (!r.reachable() && !eps.contains(r.endpoint())) {
        continue;
      }
      b.append(r.memberId().isEmpty() ? r.endpoint() : r.memberId()).append('=');
      if (r.status().isPresent()) {
        MemberStatus s = r.status().get();
        b.append(s.getRole()).append("/t").append(s.getTerm()).append("/a").append(s.getAppliedIndex())
            .append(eps.contains(r.endpoint()) ? "" : "/not-member").append(' ');
      } else {
        b.append("down ");
      }
    }
    return b.toString().trim();
  }

  /** The member claiming leadership in the highest term, or -1. */
  int leaderIndex() {
    long bestTerm = -1;
    int best = -1;
    for (MemberStatus s : memberStatuses()) {
      if (s.getIsLeader() && s.getTerm() > bestTerm) {
        bestTerm = s.getTerm();
        best = cluster.indexOf(s.getId());
      }
    }
    return best;
  }

  MemberStatus statusOf(int i) {
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

  static void sleepMs(long ms) throws InterruptedException {
    Thread.sleep(ms);
  }
}
