package io.raftgcs.proof;

import io.raftgcs.server.GcsServerMain;
import io.raftgcs.server.config.PeerSpec;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Real {@code gcs-server} processes on 127.0.0.1, launched from this JVM's classpath, in {@code slots}
 * numbered slots: the first {@code replicas} form the initial group, the others are spares that a
 * membership change can add ({@code --join}). {@link #members} is the configuration as the nemesis last
 * changed it. Data lives in {@code root/data/<id>}, logs in {@code root/logs/<id>.log} (appended across
 * restarts, kept when the data is wiped). Every PID started is appended to {@code root/pids}; {@link #close}
 * SIGKILLs all of them (also stopped ones) by PID.
 *
 * <p>Raft traffic goes through one {@link LinkProxy} per slot: the address a replica advertises in
 * {@code --peers} is its proxy's port, and it binds {@code --raft-listen-port} behind it. A proxy attributes
 * each connection to the replica that opened it by its pid ({@link ProcSockets}), so {@link #links} can cut
 * any directed link between two replicas. Client API ports are not proxied.
 */
public final class ServerCluster implements AutoCloseable {
  private final List<PeerSpec> peers;
  private final int[] listenPorts;
  private final Path root;
  private final List<String> extraArgs;
  private final Process[] procs;
  private final boolean[] stopped;
  private final Links links = new Links();
  private final List<LinkProxy> proxies = new ArrayList<>();
  private final TreeSet<Integer> members = new TreeSet<>();

  public ServerCluster(int replicas, int slots, Path root, List<String> extraArgs) throws IOException {
    int[] ports = freePorts(3 * slots);
    List<PeerSpec> ps = new ArrayList<>();
    this.listenPorts = new int[slots];
    for (int i = 0; i < slots; i++) {
      ps.add(new PeerSpec("n" + (i + 1), "127.0.0.1", ports[3 * i], ports[3 * i + 1]));
      listenPorts[i] = ports[3 * i + 2];
    }
    this.peers = List.copyOf(ps);
    this.root = root;
    this.extraArgs = List.copyOf(extraArgs);
    this.procs = new Process[slots];
    this.stopped = new boolean[slots];
    for (int i = 0; i < replicas; i++) {
      members.add(i);
    }
    Files.createDirectories(root.resolve("data"));
    Files.createDirectories(root.resolve("logs"));
    try {
      for (int i = 0; i < slots; i++) {
        proxies.add(new LinkProxy(id(i), peers.get(i).raftPort(), listenPorts[i], links, this::sourceOf).start());
      }
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  static int[] freePorts(int n) throws IOException {
    int[] out = new int[n];
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        s.setReuseAddress(true);
        held.add(s);
        out[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    return out;
  }

  /** Starts every member. */
  public synchronized void startAll() throws IOException {
    for (int i : members) {
      start(i);
    }
  }

  /**
   * Starts slot {@code i}. A member starts with the current members as {@code --peers} (used only when its
   * data folder is empty); a slot outside the configuration starts with {@code --join} and waits to be added.
   */
  public synchronized void start(int i) throws IOException {
    if (procs[i] != null && procs[i].isAlive()) {
      throw new IllegalStateException("replica " + id(i) + " is running as pid " + procs[i].pid());
    }
    PeerSpec me = peers.get(i);
    File dir = dataDir(i).toFile();
    dir.mkdirs();
    TreeSet<Integer> group = new TreeSet<>(members);
    group.add(i);
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ActiveProcessorCount=1",
        "-cp", System.getProperty("java.class.path"),
        GcsServerMain.class.getName(),
        "--id", me.id(), "--data-dir", dir.getAbsolutePath(),
        "--peers", PeerSpec.format(group.stream().map(peers::get).toList()),
        "--raft-listen-port", Integer.toString(listenPorts[i])));
    if (!members.contains(i)) {
      cmd.add("--join");
    }
    cmd.addAll(extraArgs);
    File log = root.resolve("logs").resolve(me.id() + ".log").toFile();
    procs[i] = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    stopped[i] = false;
    Files.writeString(root.resolve("pids"), me.id() + " " + procs[i].pid() + "\n",
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** SIGKILL, as {@code kill -9}: no shutdown hook runs. */
  public synchronized void kill9(int i) throws InterruptedException {
    Process p = procs[i];
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    stopped[i] = false;
  }

  /** {@code kill -STOP pid}: the process freezes, its sockets stay open. */
  public synchronized void sigstop(int i) throws IOException, InterruptedException {
    signal(i, "STOP");
    stopped[i] = true;
  }

  /** {@code kill -CONT pid}. */
  public synchronized void sigcont(int i) throws IOException, InterruptedException {
    signal(i, "CONT");
    stopped[i] = false;
  }

  private void signal(int i, String sig) throws IOException, InterruptedException {
    Process p = procs[i];
    if (p == null || !p.isAlive()) {
      return;
    }
    Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
      throw new IOException("kill -" + sig + " " + p.pid() + " failed");
    }
  }

  /** Deletes the replica's data folder (the process must be dead). */
  public synchronized void wipe(int i) {
    if (isAlive(i)) {
      throw new IllegalStateException("wipe of a running replica " + id(i));
    }
    Path d = dataDir(i);
    if (!Files.exists(d)) {
      return;
    }
    try (Stream<Path> s = Files.walk(d)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized boolean isAlive(int i) {
    return procs[i] != null && procs[i].isAlive();
  }

  public synchronized boolean isStopped(int i) {
    return stopped[i];
  }

  public synchronized long pid(int i) {
    return procs[i] == null ? -1 : procs[i].pid();
  }

  public Path dataDir(int i) {
    return root.resolve("data").resolve(peers.get(i).id());
  }

  public Path logsDir() {
    return root.resolve("logs");
  }

  /** Slots, members or not. */
  public int slots() {
    return procs.length;
  }

  /** The slots in the Raft configuration, ascending. */
  public synchronized List<Integer> members() {
    return List.copyOf(members);
  }

  public synchronized boolean isMember(int i) {
    return members.contains(i);
  }

  /** Records that slot {@code i} joined ({@code true}) or left the configuration. */
  public synchronized void setMember(int i, boolean member) {
    if (member) {
      members.add(i);
    } else {
      members.remove(i);
    }
  }

  public String id(int i) {
    return peers.get(i).id();
  }

  public List<String> ids(List<Integer> slots) {
    return slots.stream().map(this::id).toList();
  }

  public PeerSpec peer(int i) {
    return peers.get(i);
  }

  /** Every slot's API address: clients are seeded with all of them, members or not. */
  public String endpoints() {
    return peers.stream().map(PeerSpec::apiAddress).collect(Collectors.joining(","));
  }

  public String endpoint(int i) {
    return peers.get(i).apiAddress();
  }

  public int indexOf(String id) {
    for (int i = 0; i < peers.size(); i++) {
      if (peers.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** The cut links between replicas (shared by every proxy). */
  public Links links() {
    return links;
  }

  /** Per proxy: connections accepted and how many could not be attributed to a replica. */
  public String proxyStats() {
    return proxies.stream().map(LinkProxy::stats).collect(Collectors.joining("; "));
  }

  public long unattributedConnections() {
    return proxies.stream().mapToLong(LinkProxy::unattributed).sum();
  }

  /** The replica whose process opened {@code accepted} (a connection to one of our proxies), else null. */
  private String sourceOf(Socket accepted) {
    Map<Long, Integer> byPid = new HashMap<>();
    synchronized (this) {
      for (int i = 0; i < procs.length; i++) {
        if (procs[i] != null && procs[i].isAlive()) {
          byPid.put(procs[i].pid(), i);
        }
      }
    }
    long pid = ProcSockets.clientPid(accepted.getPort(), accepted.getLocalPort(), byPid.keySet());
    return pid < 0 ? null : id(byPid.get(pid));
  }

  /** Heals every link, closes the proxies and SIGKILLs every process this cluster started, by PID. */
  @Override
  public void close() {
    links.heal();
    links.close();
    for (LinkProxy p : proxies) {
      p.close();
    }
    synchronized (this) {
      for (Process p : procs) {
        if (p != null && p.isAlive()) {
          p.destroyForcibly();
        }
      }
      for (Process p : procs) {
        if (p != null) {
          try {
            p.waitFor(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }
  }
}
