package io.raftgcs.server.api;

import io.raftgcs.server.config.PeerSpec;
import java.util.List;
import java.util.Optional;

/**
 * Maps member ids to the API addresses clients should be redirected to: the current Raft configuration
 * (members carry their API address), falling back to the start-up peer list. Any thread.
 */
public final class LeaderDirectory {
  private final List<PeerSpec> initial;
  private volatile java.util.function.Supplier<List<PeerSpec>> current;

  public LeaderDirectory(List<PeerSpec> peers) {
    this.initial = List.copyOf(peers);
    this.current = () -> initial;
  }

  /** Once Raft runs, the live configuration is the source. */
  public void follow(java.util.function.Supplier<List<PeerSpec>> members) {
    this.current = () -> {
      try {
        List<PeerSpec> m = members.get();
        return m.isEmpty() ? initial : m;
      } catch (RuntimeException e) {
        return initial;
      }
    };
  }

  public Optional<PeerSpec> peer(String id) {
    return peers().stream().filter(p -> p.id().equals(id)).findFirst();
  }

  public Optional<String> apiAddress(String id) {
    return peer(id).map(PeerSpec::apiAddress);
  }

  public List<PeerSpec> peers() {
    return current.get();
  }
}
