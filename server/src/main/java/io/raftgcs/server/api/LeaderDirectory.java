package io.raftgcs.server.api;

import io.raftgcs.server.config.PeerSpec;
import java.util.List;
import java.util.Optional;

/** Maps Raft peer ids to the API addresses clients should be redirected to. Immutable; any thread. */
public final class LeaderDirectory {
  private final List<PeerSpec> peers;

  public LeaderDirectory(List<PeerSpec> peers) {
    this.peers = List.copyOf(peers);
  }

  public Optional<PeerSpec> peer(String id) {
    return peers.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  public Optional<String> apiAddress(String id) {
    return peer(id).map(PeerSpec::apiAddress);
  }

  public List<PeerSpec> peers() {
    return peers;
  }
}
