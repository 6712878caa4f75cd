package io.raftgcs.proof;

import io.raftgcs.proto.MemberStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The partition faults of the {@link Nemesis} (see its javadoc for how links are cut): cut, watch
 * leadership through the unproxied API ports while the cut holds, heal, say what was seen.
 */
final class PartitionFaults {
  private final Nemesis nemesis;
  private final ServerCluster cluster;
  private final Random rnd;

  PartitionFaults(Nemesis nemesis, ServerCluster cluster, Random rnd) {
    this.nemesis = nemesis;
    this.cluster = cluster;
    this.rnd = rnd;
  }

  /** What the nemesis saw while a cut held; times in ms from the cut to the poll that showed it (-1: never). */
  record Seen(String newLeader, long newLeaderTerm, long newLeaderMs, long victimSteppedDownMs) {
    String describe(String victim, boolean victimLed) {
      String a = newLeader == null ? "no new leader on the other side"
          : "new leader " + newLeader + " (term " + newLeaderTerm + ") seen " + newLeaderMs + " ms after the cut";
      String b = !victimLed ? "" : victimSteppedDownMs < 0 ? "; " + victim + " STILL CLAIMS LEADERSHIP"
          : "; " + victim + " no longer leader " + victimSteppedDownMs + " ms after";
      return a + b;
    }
  }

  /** Cuts the leader from every other member, both ways; the majority must elect, the old leader step down. */
  Nemesis.Event isolateLeader(int n, Nemesis.Step step) throws InterruptedException {
    int leader = nemesis.leaderIndex();
    boolean led = leader >= 0;
    int victim = led ? leader : nemesis.pickOther(-1);
    List<Integer> others = others(victim);
    String v = cluster.id(victim);
    long term0 = term(victim);
    long start = nemesis.now();
    cluster.links().isolate(v, cluster.ids(others));
    nemesis.log("partition-leader: " + v + (led ? " (leader, term " + term0 + ")" : " (no leader found)")
        + " cut from " + cluster.ids(others) + " both ways, cut links " + cluster.links().describe());
    Seen seen;
    try {
      seen = watch(victim, term0, led, step.holdMs(), true);
    } finally {
      cluster.links().heal();
    }
    long heal = nemesis.now();
    String note = "isolated " + v + " from " + String.join(",", cluster.ids(others)) + " for "
        + (heal - start) / 1_000_000 + " ms: " + seen.describe(v, led);
    nemesis.log("partition-leader healed: " + note);
    if (led && (seen.newLeader() == null || seen.victimSteppedDownMs() < 0)) {
      nemesis.anomaly("fault #" + n + " partition-leader did not isolate: " + note);
    }
    return new Nemesis.Event(n, Nemesis.Kind.PARTITION_LEADER, v, start, heal, -1, note);
  }

  /**
   * Cuts one direction between the leader and every other member: either it receives nothing (it can still
   * send) or nothing it sends arrives (it can still receive).
   */
  Nemesis.Event oneWay(int n, Nemesis.Step step) throws InterruptedException {
    int leader = nemesis.leaderIndex();
    boolean led = leader >= 0;
    int victim = led ? leader : nemesis.pickOther(-1);
    List<Integer> others = others(victim);
    String v = cluster.id(victim);
    boolean deaf = rnd.nextBoolean();
    long term0 = term(victim);
    long start = nemesis.now();
    for (String o : cluster.ids(others)) {
      if (deaf) {
        cluster.links().cut(o, v);
      } else {
        cluster.links().cut(v, o);
      }
    }
    String what = deaf ? v + " receives nothing from " + cluster.ids(others) + " (it can still send)"
        : v + "'s messages to " + cluster.ids(others) + " are dropped (it can still receive)";
    nemesis.log("partition-oneway: " + what + (led ? "; " + v + " is the leader, term " + term0 : "")
        + ", cut links " + cluster.links().describe());
    Seen seen;
    try {
      seen = watch(victim, term0, led, step.holdMs(), false);
    } finally {
      cluster.links().heal();
    }
    long heal = nemesis.now();
    String note = (deaf ? "in-cut " : "out-cut ") + what + " for " + (heal - start) / 1_000_000 + " ms: "
        + seen.describe(v, led);
    nemesis.log("partition-oneway healed: " + note);
    return new Nemesis.Event(n, Nemesis.Kind.PARTITION_ONEWAY, v, start, heal, -1, note);
  }

  private List<Integer> others(int victim) {
    List<Integer> o = new ArrayList<>(cluster.members());
    o.remove(Integer.valueOf(victim));
    return o;
  }

  private long term(int i) {
    MemberStatus s = nemesis.statusOf(i);
    return s == null ? 0 : s.getTerm();
  }

  /**
   * Polls every member for {@code holdMs}; when {@code untilSeen}, goes on (at most 10 s more) until a new
   * leader was elected on the other side and the victim no longer claims leadership.
   */
  private Seen watch(int victim, long term0, boolean victimLed, long holdMs, boolean untilSeen)
      throws InterruptedException {
    long t0 = System.nanoTime();
    String newLeader = null;
    long newTerm = -1;
    long newMs = -1;
    long downMs = -1;
    while (true) {
      long ms = (System.nanoTime() - t0) / 1_000_000;
      boolean seenAll = newLeader != null && (!victimLed || downMs >= 0);
      if (ms >= holdMs && (!untilSeen || seenAll || ms >= holdMs + 10_000)) {
        break;
      }
      List<MemberStatus> st = nemesis.memberStatuses();
      ms = (System.nanoTime() - t0) / 1_000_000; // when the answers were in (a poll can take a while)
      for (MemberStatus s : st) {
        int i = cluster.indexOf(s.getId());
        if (i == victim) {
          if (victimLed && downMs < 0 && !s.getIsLeader()) {
            downMs = ms;
          }
        } else if (newLeader == null && s.getIsLeader() && s.getTerm() > term0) {
          newLeader = s.getId();
          newTerm = s.getTerm();
          newMs = ms;
        }
      }
      Thread.sleep(100);
    }
    return new Seen(newLeader, newTerm, newMs, downMs);
  }
}
