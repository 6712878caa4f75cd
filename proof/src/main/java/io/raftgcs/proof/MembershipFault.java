package io.raftgcs.proof;

import io.raftgcs.client.GcsClient;
import io.raftgcs.client.GcsException;
import io.raftgcs.proto.Member;
import io.raftgcs.server.config.PeerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code membership} fault: two joins and two removals under load, through {@code AdminService}
 * (gcsctl {@code members add/remove}). A group smaller than five grows first (3 → 5 → 3), otherwise it
 * shrinks first (5 → 3 → 5). The shrink step removes the current leader, then a random other member
 * (never the new leader). A joiner is a spare slot started empty with {@code --join}; a removed replica is
 * stopped and its data deleted, so it can come back later only as a new, empty joiner. Outcomes the
 * nemesis could not confirm are reconciled against the configuration the leader reports.
 */
final class MembershipFault {
  private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(30);

  private final Nemesis nemesis;
  private final ServerCluster cluster;
  private final GcsClient admin;
  private final Random rnd;

  MembershipFault(Nemesis nemesis, ServerCluster cluster, GcsClient admin, Random rnd) {
    this.nemesis = nemesis;
    this.cluster = cluster;
    this.admin = admin;
    this.rnd = rnd;
  }

  Nemesis.Event run(int n, Nemesis.Step step) throws Exception {
    int size = cluster.members().size();
    int spares = cluster.slots() - size;
    boolean growFirst = size < 5 && spares >= 2;
    long start = nemesis.now();
    List<String> steps = new ArrayList<>();
    String target;
    if (growFirst) {
      grow(2, steps);
      target = shrink(2, steps);
    } else {
      target = shrink(2, steps);
      grow(2, steps);
    }
    int after = cluster.members().size();
    String note = size + "->" + (growFirst ? size + 2 : size - 2) + "->" + after + ": " + String.join(" ", steps)
        + "; members " + String.join(",", cluster.ids(cluster.members()));
    nemesis.log("membership: " + note);
    return new Nemesis.Event(n, Nemesis.Kind.MEMBERSHIP, target, start, nemesis.now(), -1, note);
  }

  /** Starts k spare slots empty with --join (together: a JVM boots slowly on a busy box), then adds each. */
  private void grow(int k, List<String> steps) throws Exception {
    List<Integer> spare = new ArrayList<>();
    for (int i = 0; i < cluster.slots(); i++) {
      if (!cluster.isMember(i)) {
        spare.add(i);
      }
    }
    Collections.shuffle(spare, rnd);
    List<Integer> joiners = spare.subList(0, Math.min(k, spare.size()));
    if (joiners.size() < k) {
      steps.add("+? (only " + joiners.size() + " spare slots)");
    }
    long started = System.nanoTime();
    for (int s : joiners) {
      cluster.kill9(s);
      cluster.wipe(s);
      cluster.start(s);
    }
    for (int s : joiners) {
      PeerSpec p = cluster.peer(s);
      awaitAnswer(s, 90_000);
      long t0 = System.nanoTime();
      long boot = (t0 - started) / 1_000_000;
      String err = null;
      try {
        admin.admin().addMember(p.id(), p.raftAddress(), p.apiAddress(), CHANGE_TIMEOUT);
      } catch (GcsException e) {
        err = e.code() == GcsException.Code.ALREADY_EXISTS ? null : e.code() + " " + e.getMessage();
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (err == null || configuration().contains(p.id())) {
        cluster.setMember(s, true);
        steps.add("+" + p.id() + " (" + ms + " ms; it answered " + boot + " ms after its start)");
      } else {
        cluster.kill9(s);
        cluster.wipe(s);
        steps.add("+" + p.id() + " FAILED (" + err + ")");
        nemesis.log("membership: adding " + p.id() + " failed after " + ms + " ms: " + err);
      }
    }
  }

  /** Removes the leader, then k-1 other members; returns the removed leader's id. */
  private String shrink(int k, List<String> steps) throws Exception {
    int leader = awaitLeader(10_000);
    if (leader < 0) {
      steps.add("-? (no leader)");
      return "none";
    }
    String old = cluster.id(leader);
    long t0 = System.nanoTime();
    if (remove(leader, steps, "leader")) {
      int next = awaitLeader(15_000);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      steps.add(next < 0 ? "(no new leader within 15 s)" : "(new leader " + cluster.id(next) + " "
          + ms + " ms after the removal was asked)");
    }
    for (int j = 1; j < k; j++) {
      int l = nemesis.leaderIndex();
      List<Integer> c = new ArrayList<>(cluster.members());
      c.remove(Integer.valueOf(l));
      if (c.isEmpty()) {
        return old;
      }
      remove(c.get(rnd.nextInt(c.size())), steps, "follower");
    }
    return old;
  }

  private boolean remove(int slot, List<String> steps, String role) throws InterruptedException {
    String id = cluster.id(slot);
    long t0 = System.nanoTime();
    String err = null;
    try {
      admin.admin().removeMember(id, CHANGE_TIMEOUT);
    } catch (GcsException e) {
      err = e.code() == GcsException.Code.NOT_FOUND ? null : e.code() + " " + e.getMessage();
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (err != null && configuration().contains(id)) {
      steps.add("-" + id + " " + role + " FAILED (" + err + ")");
      nemesis.log("membership: removing " + id + " failed after " + ms + " ms: " + err);
      return false;
    }
    cluster.setMember(slot, false);
    cluster.kill9(slot);
    cluster.wipe(slot);
    steps.add("-" + id + " " + role + " (" + ms + " ms)");
    return true;
  }

  /** The member ids of the configuration the leader (else the most advanced member) reports; waits for one. */
  private Set<String> configuration() throws InterruptedException {
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        return admin.admin().members().stream().map(Member::getId).collect(Collectors.toSet());
      } catch (GcsException e) {
        Thread.sleep(200);
      }
    }
    return Set.of();
  }

  /** Waits (at most {@code timeoutMs}) until the replica in slot {@code i} answers on its API port. */
  private void awaitAnswer(int i, long timeoutMs) throws InterruptedException {
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < timeoutMs * 1_000_000L && nemesis.statusOf(i) == null) {
      Thread.sleep(200);
    }
  }

  private int awaitLeader(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < deadline) {
      int l = nemesis.leaderIndex();
      if (l >= 0) {
        return l;
      }
      Thread.sleep(100);
    }
    return -1;
  }
}
