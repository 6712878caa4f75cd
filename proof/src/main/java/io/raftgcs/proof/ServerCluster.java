package io.raftgcs.proof;

import io.raftgcs.server.GcsServerMain;
import io.raftgcs.server.config.PeerSpec;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * N real {@code gcs-server} processes on 127.0.0.1, launched from this JVM's classpath. Data lives in
 * {@code root/data/<id>}, logs in {@code root/logs/<id>.log} (appended across restarts, kept when the
 * data is wiped). Every PID started is appended to {@code root/pids}; {@link #close} SIGKILLs all of
 * them (also stopped ones) by PID.
 */
public final class ServerCluster implements AutoCloseable {
  private final List<PeerSpec> peers;
  private final Path root;
  private final List<String> extraArgs;
  private final Process[] procs;
  private final boolean[] stopped;

  public ServerCluster(int n, Path root, List<String> extraArgs) throws IOException {
    int[] ports = freePorts(2 * n);
    List<PeerSpec> ps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ps.add(new PeerSpec("n" + (i + 1), "127.0.0.1", ports[2 * i], ports[2 * i + 1]));
    }
    this.peers = List.copyOf(ps);
    this.root = root;
    this.extraArgs = List.copyOf(extraArgs);
    this.procs = new Process[n];
    this.stopped = new boolean[n];
    Files.createDirectories(root.resolve("data"));
    Files.createDirectories(root.resolve("logs"));
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

  public synchronized void startAll() throws IOException {
    for (int i = 0; i < procs.length; i++) {
      start(i);
    }
  }

  public synchronized void start(int i) throws IOException {
    if (procs[i] != null && procs[i].isAlive()) {
      throw new IllegalStateException("replica " + id(i) + " is running as pid " + procs[i].pid());
    }
    PeerSpec me = peers.get(i);
    File dir = dataDir(i).toFile();
    dir.mkdirs();
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ActiveProcessorCount=1",
        "-cp", System.getProperty("java.class.path"),
        GcsServerMain.class.getName(),
        "--id", me.id(), "--data-dir", dir.getAbsolutePath(), "--peers", PeerSpec.format(peers)));
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

  public int size() {
    return procs.length;
  }

  public String id(int i) {
    return peers.get(i).id();
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

  public int indexOf(String id) {
    for (int i = 0; i < peers.size(); i++) {
      if (peers.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** SIGKILLs every process this cluster started, by PID, and waits for them. */
  @Override
  public synchronized void close() {
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
