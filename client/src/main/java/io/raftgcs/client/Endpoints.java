package io.raftgcs.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The endpoints this client knows (seeds plus addresses learned from leader hints) and the cached
 * leader. Called from any thread; soft state only: a wrong guess costs one redirected attempt.
 */
final class Endpoints {
  private final List<String> seeds;
  private final CopyOnWriteArrayList<String> known;
  private final AtomicReference<String> leader = new AtomicReference<>();
  private final AtomicInteger roundRobin = new AtomicInteger();

  Endpoints(List<String> seeds) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("at least one endpoint is required");
    }
    this.seeds = List.copyOf(seeds);
    this.known = new CopyOnWriteArrayList<>(seeds);
  }

  List<String> seeds() {
    return seeds;
  }

  List<String> known() {
    return List.copyOf(known);
  }

  String cachedLeader() {
    return leader.get();
  }

  /** Where a call with this route starts. */
  String first(CallSpec spec) {
    return switch (spec.route()) {
      case LEADER -> {
        String l = leader.get();
        yield l != null ? l : nextRoundRobin();
      }
      case ANY -> spec.endpoint() != null ? spec.endpoint() : nextRoundRobin();
      case FIXED -> spec.endpoint();
    };
  }

  /** Where to go after {@code failed} did not answer usefully. */
  String after(CallSpec spec, String failed) {
    if (spec.route() == CallSpec.Route.FIXED) {
      return failed;
    }
    int i = known.indexOf(failed);
    return i < 0 ? nextRoundRobin() : known.get((i + 1) % known.size());
  }

  void leaderHint(String endpoint) {
    known.addIfAbsent(endpoint);
    leader.set(endpoint);
  }

  void leaderAnswered(String endpoint) {
    leader.set(endpoint);
  }

  /** The endpoint did not answer or said it is not the leader and does not know one. */
  void notLeader(String endpoint) {
    leader.compareAndSet(endpoint, null);
  }

  private String nextRoundRobin() {
    return known.get(Math.floorMod(roundRobin.getAndIncrement(), known.size()));
  }
}
