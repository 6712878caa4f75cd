package io.raftgcs.server.testing;

import io.raftgcs.server.GcsServerMain;
import io.raftgcs.server.config.PeerSpec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * N real {@code gcs-server} processes on loopback, started from this JVM's classpath. Every process
 * started is recorded by PID and destroyed (SIGKILL) on {@link #close}; {@link #kill9} is a real
 * {@code kill -9}. Shared as part of the server test-jar.
 */
public final class ProcessCluster implements AutoCloseable {
  private final List<PeerSpec> peers;
  private final Path root;
  private final List<String> extraArgs;
  private final Process[] procs;

  public ProcessCluster(int n, Path root, List<String> extraArgs) {
    int[] ports = Ports.free(2 * n);
    List<PeerSpec> ps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ps.add(new PeerSpec("n" + (i + 1), "127.0.0.1", ports[2 * i], ports[2 * i + 1]));
    }
    this.peers = List.copyOf(ps);
    this.root = root;
    this.extraArgs = List.copyOf(extraArgs);
    this.procs = new Process[n];
  }

  public ProcessCluster startAll() throws IOException {
    for (int i = 0; i < procs.length; i++) {
      start(i);
    }
    return this;
  }

  public void start(int i) throws IOException {
    if (procs[i] != null && procs[i].isAlive()) {
      throw new IllegalStateException("replica " + i + " is running as pid " + procs[i].pid());
    }
    PeerSpec me = peers.get(i);
    File dir = root.resolve(me.id()).toFile();
    dir.mkdirs();
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"),
        GcsServerMain.class.getName(),
        "--id", me.id(), "--data-dir", dir.getAbsolutePath(), "--peers", PeerSpec.format(peers)));
    cmd.addAll(extraArgs);
    procs[i] = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir, "gcs.log"))).start();
  }

  /** SIGKILL, as {@code kill -9}: no shutdown hook runs. */
  public void kill9(int i) throws InterruptedException {
    Process p = procs[i];
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** SIGTERM: the replica hands over leadership and stops. */
  public void terminate(int i) throws InterruptedException {
    Process p = procs[i];
    if (p != null) {
      p.destroy();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  public boolean isAlive(int i) {
    return procs[i] != null && procs[i].isAlive();
  }

  public long pid(int i) {
    return procs[i].pid();
  }

  public int size() {
    return procs.length;
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
    throw new IllegalArgumentException(id);
  }

  @Override
  public void close() {
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
