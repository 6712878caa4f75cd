package io.raftgcs.server.testing;

import io.raftgcs.proto.MemberStatus;
import io.raftgcs.server.GcsServer;
import io.raftgcs.server.config.PeerSpec;
import io.raftgcs.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * N real replicas (Ratis over gRPC, RocksDB, the gRPC API) in this JVM on loopback: kill, restart,
 * transfer leadership, wait for a leader or for convergence. Always close it (try-with-resources).
 * Shared with other modules as the server test-jar.
 */
public final class MiniGcsCluster implements AutoCloseable {
  private final List<PeerSpec> peers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Path root;
  private final UnaryOperator<ServerConfig> tweak;
  private final List<GcsServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.Set<Integer> joiners = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Queue<Throwable> fatalErrors = new ConcurrentLinkedQueue<>();
  private final Clock clock;

  private MiniGcsCluster(int n, Path root, UnaryOperator<ServerConfig> tweak, Clock clock) {
    this.root = root;
    this.tweak = tweak;
    this.clock = clock;
    int[] ports = Ports.free(2 * n);
    List<PeerSpec> ps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ps.add(new PeerSpec("n" + (i + 1), "127.0.0.1", ports[2 * i], ports[2 * i + 1]));
    }
    this.peers.addAll(ps);
    for (int i = 0; i < n; i++) {
      servers.add(null);
    }
  }

  public static MiniGcsCluster start(int n, Path root) throws IOException {
    return start(n, root, UnaryOperator.identity());
  }

  public static MiniGcsCluster start(int n, Path root, UnaryOperator<ServerConfig> tweak) throws IOException {
    return start(n, root, tweak, Clock.systemUTC());
  }

  /** With an injected clock for every replica's leader-only services (heartbeat monitor, timeouts). */
  public static MiniGcsCluster start(int n, Path root, UnaryOperator<ServerConfig> tweak, Clock clock)
      throws IOException {
    MiniGcsCluster c = new MiniGcsCluster(n, root, tweak, clock);
    try {
      for (int i = 0; i < n; i++) {
        c.restart(i);
      }
      c.awaitLeader(Duration.ofSeconds(20));
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  public int size() {
    return servers.size();
  }

  /** Starts one more replica with --join (empty group); add it with the AddMember admin RPC. Returns its index. */
  public int startJoiner() throws IOException {
    int[] ports = Ports.free(2);
    int i = peers.size();
    peers.add(new PeerSpec("n" + (i + 1), "127.0.0.1", ports[0], ports[1]));
    servers.add(null);
    joiners.add(i);
    restart(i);
    return i;
  }

  public List<PeerSpec> peers() {
    return peers;
  }

  public String endpoints() {
    return peers.stream().map(PeerSpec::apiAddress).collect(Collectors.joining(","));
  }

  public String endpoint(int i) {
    return peers.get(i).apiAddress();
  }

  public GcsServer server(int i) {
    return servers.get(i);
  }

  public boolean isUp(int i) {
    return servers.get(i) != null;
  }

  public ServerConfig config(int i) {
    return tweak.apply(ServerConfig.defaults(peers.get(i).id(), root.resolve(peers.get(i).id()), List.copyOf(peers))
        .withJoin(joiners.contains(i)));
  }

  /** Starts (or restarts) replica i on its data folder. */
  public void restart(int i) throws IOException {
    if (servers.get(i) != null) {
      throw new IllegalStateException("replica " + i + " is running");
    }
    servers.set(i, new GcsServer(config(i), clock, fatalErrors::add).start());
  }

  /** Stops replica i abruptly (in-process: closes it without a leadership hand-over). */
  public void kill(int i) {
    GcsServer s = servers.get(i);
    servers.set(i, null);
    if (s != null) {
      s.close();
    }
  }

  /** Stops replica i and deletes its data (a wiped replica that must rejoin by snapshot). */
  public void wipe(int i) throws IOException {
    kill(i);
    io.raftgcs.statemachine.snapshot.CheckpointSnapshots.deleteTree(root.resolve(peers.get(i).id()));
  }

  public int awaitLeader(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < servers.size(); i++) {
        GcsServer s = servers.get(i);
        if (s != null && s.raft().isLeaderReady()) {
          return i;
        }
      }
      sleep(20);
    }
    throw new IllegalStateException("no leader within " + timeout);
  }

  public int leader() {
    return awaitLeader(Duration.ofSeconds(15));
  }

  public void transferLeadership(int to) throws IOException {
    int from = leader();
    if (from != to) {
      servers.get(from).raft().transferLeadership(peers.get(to).id(), 5000);
    }
  }

  public MemberStatus status(int i) {
    return servers.get(i).admin().status();
  }

  /** Waits until every running replica has applied the same index and reports the same digest. */
  public String awaitConverged(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      List<MemberStatus> st = new ArrayList<>();
      for (int i = 0; i < servers.size(); i++) {
        if (servers.get(i) != null) {
          st.add(status(i));
        }
      }
      last = st.stream().map(s -> s.getId() + "@" + s.getDigestIndex() + ":" + s.getDigest().substring(0, 12))
          .collect(Collectors.joining(" "));
      boolean same = st.stream().map(MemberStatus::getDigest).distinct().count() == 1
          && st.stream().map(MemberStatus::getDigestIndex).distinct().count() == 1;
      if (same) {
        return st.get(0).getDigest();
      }
      sleep(50);
    }
    throw new AssertionError("replicas did not converge: " + last);
  }

  public List<Throwable> fatalErrors() {
    return List.copyOf(fatalErrors);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < servers.size(); i++) {
      kill(i);
    }
    if (!fatalErrors.isEmpty()) {
      throw new AssertionError("a replica hit a fatal state-machine error", fatalErrors.peek());
    }
  }
}
